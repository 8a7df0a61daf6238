import { join } from "node:path";
import { createStreamProxy } from "@eddy/connector-kinesis";
import { localClientConfig } from "@eddy/local-stack";
import type { TestStack } from "@eddy/local-stack/testing";
import { startApp } from "@eddy/local-stack/testing";

/**
 * The environment of an app instance on the test's stack: local mode, every sink (files in a
 * directory of its own), checkpoints every 300 ms under the job name `job`. Add the app's own
 * variables (stream, table…) to it.
 */
export function localAppEnv(stack: TestStack, job: string): Record<string, string> {
  return {
    EDDY_MODE: "local",
    EDDY_STACK_FILE: stack.stackFile,
    EDDY_JOB: job,
    EDDY_SINKS: "console,files,dynamodb,firehose",
    EDDY_OUT: join(stack.directory, job),
    EDDY_CHECKPOINT_EVERY: "300ms",
  };
}

/** Runs a script (a producer) to its end on the test's stack; its exit code and output. */
export async function runToExit(
  script: string,
  stack: TestStack,
  env: Record<string, string>,
): Promise<{ code: number | NodeJS.Signals; output: string }> {
  const app = startApp(script, { EDDY_STACK_FILE: stack.stackFile, ...env });
  const code = await app.exited;
  return { code, output: app.output() };
}

/** Writes records straight into a stream (what a producer would not: malformed ones, a tail). */
export async function putRecords(
  stack: TestStack,
  stream: string,
  records: readonly { readonly data: string; readonly partitionKey: string }[],
): Promise<void> {
  const proxy = createStreamProxy({
    ...localClientConfig(stack.endpoints.kinesis),
    subscribeHttpVersion: "1.1",
  });
  const encoder = new TextEncoder();
  try {
    const failures = await proxy.putRecords(
      stream,
      records.map((r) => ({ data: encoder.encode(r.data), partitionKey: r.partitionKey })),
    );
    if (failures.length > 0)
      throw new Error(`putRecords: ${failures.length} records failed: ${failures[0]!.errorMessage}`);
  } finally {
    proxy.close();
  }
}
