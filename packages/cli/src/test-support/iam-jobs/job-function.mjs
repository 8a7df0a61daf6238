import { pipeline } from "@eddy/core";

/** A job built by a function named `job`, with no AWS access. */
export function job() {
  const built = pipeline("iam-function");
  built
    .source({ name: "none", bounded: true, open: () => ({ next: async () => undefined }) })
    .sink({ name: "nowhere", write() {} });
  return built;
}
