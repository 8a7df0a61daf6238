import { type Clock, type RetryOptions, sleep } from "@eddy/core";
import { classifyError } from "./errors.ts";
import type { StreamProxy } from "./kinesis-client.ts";
import { retryCall } from "./retry.ts";

/** A registered stream consumer, and how to give it back. */
export interface FanOutConsumer {
  readonly arn: string;
  release(): Promise<void>;
}

/**
 * Gets an ACTIVE stream consumer for enhanced fan-out. `JOB_MANAGED`: registers it (or reuses
 * one of that name), waits until it is ACTIVE, and deregisters it on `release`; a consumer still
 * being deleted by a previous run is waited for. `SELF_MANAGED`: only waits for it to be ACTIVE.
 */
export async function acquireConsumer(
  proxy: StreamProxy,
  stream: string,
  name: string,
  lifecycle: "JOB_MANAGED" | "SELF_MANAGED",
  context: { clock: Clock; retry: RetryOptions; signal: AbortSignal },
): Promise<FanOutConsumer> {
  const { clock, signal } = context;
  const retry = { clock, retry: context.retry, signal };
  const streamArn = await retryCall(
    `DescribeStreamSummary of ${stream}`,
    () => proxy.streamArn(stream, signal),
    retry,
  );
  // Creation and deletion take seconds on AWS: poll patiently, independent of the call retry budget.
  const poll = { ...context.retry, maxAttempts: Number.POSITIVE_INFINITY };
  const deadline = clock.now() + 5 * 60_000;
  let delay = context.retry.initialBackoffMS;
  for (;;) {
    if (lifecycle === "JOB_MANAGED") {
      try {
        await retryCall(
          `RegisterStreamConsumer ${name}`,
          () => proxy.registerConsumer(streamArn, name, signal),
          retry,
        );
      } catch (error) {
        if (classifyError(error) !== "in-use") throw error;
      }
    }
    const consumer = await retryCall(
      `DescribeStreamConsumer ${name}`,
      () => proxy.describeConsumer(streamArn, name, signal),
      { ...retry, retry: poll },
    ).catch((error: unknown) => {
      // Just deleted by a previous run: register again.
      if (lifecycle === "JOB_MANAGED" && errorIsNotFound(error)) return undefined;
      throw error;
    });
    if (consumer?.status === "ACTIVE") {
      return {
        arn: consumer.arn,
        async release() {
          if (lifecycle === "JOB_MANAGED") await proxy.deregisterConsumer(consumer.arn).catch(() => {});
        },
      };
    }
    if (clock.now() > deadline) {
      throw new Error(
        `stream consumer ${name} of ${stream} is not ACTIVE after 5 minutes (${consumer?.status})`,
      );
    }
    await sleep(clock, delay, signal);
    delay = Math.min(delay * 2, context.retry.maxBackoffMS);
  }
}

function errorIsNotFound(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "ResourceNotFoundException";
}
