import { DEFAULT_RETRY, PipelineDefinitionError, RetriesExhaustedError, VirtualClock } from "@eddy/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { backoffDelay, RETRY_DEFAULTS } from "./deprecated.ts";
import { KinesisRetriesExhaustedError } from "./errors.ts";
import { resolveRetry, retryCall } from "./retry.ts";

const named = (name: string, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

/** Runs `promise` while moving the virtual clock forward in steps. */
async function drive<T>(clock: VirtualClock, promise: Promise<T>): Promise<T> {
  let settled = false;
  const done = promise.finally(() => {
    settled = true;
  });
  done.catch(() => {});
  while (!settled) {
    await new Promise((r) => setImmediate(r));
    clock.advanceTo(clock.now() + 50);
  }
  return done;
}

describe("retryCall (core's retrying, Kinesis's error classes)", () => {
  const retry = { maxAttempts: 4, initialBackoffMS: 100, maxBackoffMS: 1_000 };

  test("retries throttling and transient errors, then succeeds", async () => {
    const clock = new VirtualClock();
    const failures = [named("ProvisionedThroughputExceededException"), named("X", { code: "ECONNRESET" })];
    const kinds: string[] = [];
    let calls = 0;
    const result = await drive(
      clock,
      retryCall(
        "GetRecords",
        async () => {
          calls++;
          const f = failures.shift();
          if (f) throw f;
          return "ok";
        },
        { clock, retry, onRetry: (kind) => kinds.push(kind) },
      ),
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(kinds).toEqual(["throttled", "transient"]);
  });

  test("gives up after maxAttempts with a clear error naming the call and the last cause", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const failure = drive(
      clock,
      retryCall(
        "GetRecords on s/shard-0",
        async () => {
          calls++;
          throw named("LimitExceededException");
        },
        { clock, retry },
      ),
    );
    await expect(failure).rejects.toBeInstanceOf(KinesisRetriesExhaustedError);
    await expect(failure).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(failure).rejects.toThrow(
      /^GetRecords on s\/shard-0 failed 4 times in a row, the last time with LimitExceededException/,
    );
    await expect(failure).rejects.toMatchObject({ operation: "GetRecords on s/shard-0", attempts: 4 });
    expect(calls).toBe(4);
  });

  test("does not retry a fatal error", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    await expect(
      retryCall(
        "ListShards",
        async () => {
          calls++;
          throw named("ResourceNotFoundException");
        },
        { clock, retry },
      ),
    ).rejects.toThrow(/ResourceNotFoundException happened/);
    expect(calls).toBe(1);
  });

  test("stops waiting when its signal is aborted", async () => {
    const clock = new VirtualClock();
    const stop = new AbortController();
    const waiting = retryCall(
      "GetRecords",
      async () => {
        throw named("ProvisionedThroughputExceededException");
      },
      { clock, retry: { ...retry, initialBackoffMS: 10_000 }, signal: stop.signal },
    );
    await new Promise((r) => setImmediate(r));
    stop.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
  });
});

describe("retry options", () => {
  test("default to core's DEFAULT_RETRY; the names of earlier releases still work", () => {
    expect(resolveRetry(undefined, "k")).toEqual(DEFAULT_RETRY);
    expect(resolveRetry({ baseDelayMs: 200, maxDelayMs: 1_000 }, "k")).toEqual({
      maxAttempts: DEFAULT_RETRY.maxAttempts,
      initialBackoffMS: 200,
      maxBackoffMS: 1_000,
    });
    expect(resolveRetry({ ...RETRY_DEFAULTS, maxAttempts: 3 }, "k")).toEqual({
      ...DEFAULT_RETRY,
      maxAttempts: 3,
    });
    expect(() => resolveRetry({ maxAttempts: 0 }, "kinesisSink(s)")).toThrow(
      new PipelineDefinitionError("kinesisSink(s): retry.maxAttempts must be an integer >= 1, got 0"),
    );
  });

  test("the deprecated backoffDelay keeps its meaning: full jitter within [0, min(max, base * 2^(attempt-1))]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, RETRY_DEFAULTS, () => r);
          const ceiling = Math.min(
            RETRY_DEFAULTS.maxDelayMs,
            RETRY_DEFAULTS.baseDelayMs * 2 ** (attempt - 1),
          );
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
    expect(backoffDelay(3, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000 }, () => 0.5)).toBe(200);
    expect(backoffDelay(30, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 }, () => 0.999)).toBe(999);
  });
});
