import { describe, expect, test } from "vitest";
import { CHECKPOINT_DEFAULTS, checkpointPolicy } from "./checkpoint-options.ts";
import { MemoryCheckpointStore } from "./memory-store.ts";

const store = new MemoryCheckpointStore();

describe("checkpointPolicy", () => {
  test("defaults", () => {
    expect(checkpointPolicy({ store }, "job")).toEqual({
      retain: 3,
      retry: { maxAttempts: 11, initialBackoffMS: 100, maxBackoffMS: 5_000 },
      checkpointTimeout: 600_000,
      tolerableCheckpointFailures: 0,
    });
    // The deprecated figures describe the same policy as the new ones.
    expect(CHECKPOINT_DEFAULTS.tolerableFailures + 1).toBe(CHECKPOINT_DEFAULTS.retry.maxAttempts);
    expect(CHECKPOINT_DEFAULTS.retryDelay).toBe(CHECKPOINT_DEFAULTS.retry.initialBackoffMS);
    expect(CHECKPOINT_DEFAULTS.maxRetryDelay).toBe(CHECKPOINT_DEFAULTS.retry.maxBackoffMS);
  });

  test("the deprecated tolerableFailures, retryDelay and maxRetryDelay set the retry policy; the new names win", () => {
    expect(
      checkpointPolicy({ store, tolerableFailures: 3, retryDelay: 1, maxRetryDelay: 7 }, "job").retry,
    ).toEqual({
      maxAttempts: 4,
      initialBackoffMS: 1,
      maxBackoffMS: 7,
    });
    expect(
      checkpointPolicy({ store, tolerableFailures: 3, retryDelay: 1, retry: { maxAttempts: 2 } }, "job")
        .retry,
    ).toEqual({ maxAttempts: 2, initialBackoffMS: 1, maxBackoffMS: 5_000 });
    expect(
      checkpointPolicy({ store, tolerableFailures: Number.POSITIVE_INFINITY }, "job").retry.maxAttempts,
    ).toBe(Number.MAX_SAFE_INTEGER);
  });

  test.each([
    [{ retain: 0 }, 'pipeline "p": checkpoints.retain must be an integer >= 1, got 0'],
    [{ every: 0 }, 'pipeline "p": checkpoints.every must be a finite number of ms > 0, got 0'],
    [
      { checkpointTimeout: -1 },
      'pipeline "p": checkpoints.checkpointTimeout must be a number of ms > 0, got -1',
    ],
    [
      { tolerableCheckpointFailures: 1.5 },
      'pipeline "p": checkpoints.tolerableCheckpointFailures must be an integer >= 0, got 1.5',
    ],
    [
      { tolerableFailures: -1 },
      'pipeline "p": checkpoints.tolerableFailures must be an integer >= 0, got -1',
    ],
    [
      { retry: { maxAttempts: 0 } },
      'pipeline "p": checkpoints: retry.maxAttempts must be an integer >= 1, got 0',
    ],
  ])("%j is refused with a clear error", (options, message) => {
    expect(() => checkpointPolicy({ store, ...options }, 'pipeline "p"')).toThrow(new RangeError(message));
  });
});
