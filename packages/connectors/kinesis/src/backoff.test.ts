import { VirtualClock } from "@eddy/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { backoffDelay, RETRY_DEFAULTS, sleep, withRetries } from "./backoff.ts";
import { classifyError, KinesisRetriesExhaustedError } from "./errors.ts";

const named = (name: string, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

describe("backoffDelay", () => {
  test("full jitter: within [0, min(max, base * 2^(attempt-1))]", () => {
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

describe("withRetries", () => {
  const options = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

  test("retries throttling and transient errors, then succeeds", async () => {
    const clock = new VirtualClock();
    const failures = [named("ProvisionedThroughputExceededException"), named("X", { code: "ECONNRESET" })];
    const kinds: string[] = [];
    let calls = 0;
    const result = await drive(
      clock,
      withRetries(
        "GetRecords",
        async () => {
          calls++;
          const f = failures.shift();
          if (f) throw f;
          return "ok";
        },
        { clock, options, listener: { onRetry: (kind) => kinds.push(kind) } },
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
      withRetries(
        "GetRecords on s/shard-0",
        async () => {
          calls++;
          throw named("LimitExceededException");
        },
        { clock, options },
      ),
    );
    await expect(failure).rejects.toBeInstanceOf(KinesisRetriesExhaustedError);
    await expect(failure).rejects.toThrow(
      /^GetRecords on s\/shard-0 failed 4 times in a row, the last time with LimitExceededException/,
    );
    expect(calls).toBe(4);
  });

  test("does not retry a fatal error", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    await expect(
      withRetries(
        "ListShards",
        async () => {
          calls++;
          throw named("ResourceNotFoundException");
        },
        { clock, options },
      ),
    ).rejects.toThrow(/ResourceNotFoundException happened/);
    expect(calls).toBe(1);
  });

  test("sleep gives up when its signal is aborted", async () => {
    const clock = new VirtualClock();
    const stop = new AbortController();
    const waiting = sleep(clock, 1_000, stop.signal);
    stop.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
  });
});

describe("classifyError", () => {
  test.each([
    ["ProvisionedThroughputExceededException", "throttled"],
    ["LimitExceededException", "throttled"],
    ["KMSThrottlingException", "throttled"],
    ["ExpiredIteratorException", "expired-iterator"],
    ["ResourceInUseException", "in-use"],
    ["InternalFailure", "transient"],
    ["ResourceNotFoundException", "fatal"],
    ["AccessDeniedException", "fatal"],
    ["ValidationException", "fatal"],
  ])("%s is %s", (name, kind) => {
    expect(classifyError(named(name))).toBe(kind);
    expect(classifyError(name)).toBe(kind);
  });

  test("network codes and 5xx answers are transient", () => {
    expect(classifyError(named("Error", { code: "ECONNREFUSED" }))).toBe("transient");
    expect(classifyError(named("Weird", { $metadata: { httpStatusCode: 503 } }))).toBe("transient");
    expect(classifyError(named("Weird", { $metadata: { httpStatusCode: 400 } }))).toBe("fatal");
  });
});
