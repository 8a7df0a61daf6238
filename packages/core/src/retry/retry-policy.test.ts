import { describe, expect, test } from "vitest";
import { VirtualClock } from "../time/clock.ts";
import {
  backoffDelay,
  DEFAULT_RETRY,
  RetriesExhaustedError,
  retrying,
  retryOptions,
} from "./retry-policy.ts";

const retry = { maxAttempts: 4, initialBackoffMS: 100, maxBackoffMS: 250 };

/** Runs `retrying` on a virtual clock, advancing it until the promise settles. */
async function settle<R>(clock: VirtualClock, promise: Promise<R>): Promise<PromiseSettledResult<R>> {
  let result: PromiseSettledResult<R> | undefined;
  promise.then(
    (value) => (result = { status: "fulfilled", value }),
    (reason: unknown) => (result = { status: "rejected", reason }),
  );
  for (let i = 0; i < 100 && result === undefined; i++) {
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    clock.advanceTo(clock.now() + 1_000);
  }
  if (result === undefined) throw new Error("never settled");
  return result;
}

describe("backoffDelay", () => {
  test("doubles from initialBackoffMS per retry, capped at maxBackoffMS, scaled by the random draw", () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, retry, top))).toEqual([99, 199, 249, 249]);
    expect(backoffDelay(2, retry, () => 0.5)).toBe(100);
    expect(backoffDelay(5, retry, () => 0)).toBe(0);
  });
});

describe("retryOptions", () => {
  test("fills in defaults and names the bad setting", () => {
    expect(retryOptions({ maxAttempts: 2 })).toEqual({ ...DEFAULT_RETRY, maxAttempts: 2 });
    expect(() => retryOptions({ maxAttempts: 0 }, DEFAULT_RETRY, "kinesisSink(x)")).toThrow(
      "kinesisSink(x): retry.maxAttempts must be an integer >= 1, got 0",
    );
    expect(() => retryOptions({ maxBackoffMS: Number.NaN })).toThrow("retry.maxBackoffMS");
  });
});

describe("retrying", () => {
  test("returns the first success, after backoffs on the clock, reporting each retry", async () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const retries: number[] = [];
    const result = await settle(
      clock,
      retrying(
        async (attempt) => {
          seen.push(attempt);
          if (attempt < 3) throw new Error(`fail ${attempt}`);
          return "ok";
        },
        { operation: "op", retry, clock, onRetry: (_e, n) => retries.push(n) },
      ),
    );
    expect(result).toEqual({ status: "fulfilled", value: "ok" });
    expect(seen).toEqual([1, 2, 3]);
    expect(retries).toEqual([1, 2]);
  });

  test("rethrows an error isRetryable refuses, at once", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const fatal = new Error("AccessDenied");
    const result = await settle(
      clock,
      retrying(
        async () => {
          calls++;
          throw fatal;
        },
        { operation: "op", retry, clock, isRetryable: () => false },
      ),
    );
    expect(result).toEqual({ status: "rejected", reason: fatal });
    expect(calls).toBe(1);
  });

  test("fails with RetriesExhaustedError naming the operation after maxAttempts", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const result = await settle(
      clock,
      retrying(
        async () => {
          calls++;
          throw new Error("Throttled");
        },
        { operation: "PutRecords(s)", retry, clock },
      ),
    );
    expect(calls).toBe(4);
    expect(result.status).toBe("rejected");
    const error = (result as PromiseRejectedResult).reason as RetriesExhaustedError;
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toBe("PutRecords(s) failed 4 times in a row, the last time with Error: Throttled");
    expect(error.attempts).toBe(4);
  });

  test("exhausted builds the connector's own error", async () => {
    const clock = new VirtualClock();
    const result = await settle(
      clock,
      retrying(
        async () => {
          throw new Error("x");
        },
        {
          operation: "op",
          retry: { ...retry, maxAttempts: 1 },
          clock,
          exhausted: (n) => new RangeError(`gave up after ${n}`),
        },
      ),
    );
    expect((result as PromiseRejectedResult).reason).toEqual(new RangeError("gave up after 1"));
  });

  test("an aborted signal ends a pending backoff and no attempt follows", async () => {
    const clock = new VirtualClock();
    const abort = new AbortController();
    let calls = 0;
    const promise = retrying(
      async () => {
        calls++;
        throw new Error("x");
      },
      { operation: "op", retry, clock, signal: abort.signal },
    );
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort(new Error("stopped"));
    await expect(promise).rejects.toThrow("stopped");
    clock.advanceTo(clock.now() + 10_000);
    expect(calls).toBe(1);
  });
});
