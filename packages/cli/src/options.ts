import { Option } from "commander";
import type { CliIo } from "./cli-io.ts";

/** `--store <url>`, from `EDDY_CHECKPOINTS` when not given. */
export function storeOption(io: CliIo): Option {
  const option = new Option(
    "--store <url>",
    "the checkpoint store: redis://<host>:<port>[/<db>], s3://<bucket>/<prefix> or a directory (env: EDDY_CHECKPOINTS)",
  );
  const fromEnv = io.env.EDDY_CHECKPOINTS;
  return fromEnv ? option.default(fromEnv, "EDDY_CHECKPOINTS") : option.makeOptionMandatory();
}

/** `--url <url>` of a running job's HTTP port, from `EDDY_URL` or serveMetrics' default. */
export function urlOption(io: CliIo): Option {
  return new Option("--url <url>", "the job's HTTP port, as serveMetrics serves it (env: EDDY_URL)").default(
    io.env.EDDY_URL ?? "http://127.0.0.1:9249",
  );
}

/** `--token-file <path>`: where the control token is (else `EDDY_CONTROL_TOKEN`). */
export function tokenFileOption(): Option {
  return new Option(
    "--token-file <path>",
    "a file holding the job's control token (else the EDDY_CONTROL_TOKEN environment variable; never put the token itself on the command line)",
  );
}
