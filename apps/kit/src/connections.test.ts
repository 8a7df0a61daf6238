import { afterEach, beforeEach, expect, test } from "vitest";
import { awsConnections } from "./connections.ts";

const NAMES = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE"] as const;
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  for (const name of NAMES) delete process.env[name];
  // No profile of the machine's user leaks into the test.
  process.env.AWS_CONFIG_FILE = "/nonexistent/eddy-test-aws-config";
});
afterEach(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

test("the AWS description names the region the SDK resolves from AWS_REGION", async () => {
  process.env.AWS_REGION = "eu-west-1";
  expect((await awsConnections()).description).toBe("AWS (region eu-west-1, default credential chain)");
});

test("AWS_DEFAULT_REGION alone is not taken for the region, since the SDK does not read it", async () => {
  process.env.AWS_DEFAULT_REGION = "eu-central-1";
  expect((await awsConnections()).description).toBe(
    "AWS (no region found by the SDK: set AWS_REGION or a region in your AWS profile, default credential chain)",
  );
});
