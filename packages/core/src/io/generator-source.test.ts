import { describe, expect, test } from "vitest";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { SourceContext, SourceEvent } from "../runtime/source.ts";
import { sourceContext } from "../testing/connector-contexts.ts";
import { VirtualClock } from "../time/clock.ts";
import { generatorSource } from "./generator-source.ts";

function contextOf(
  clock = new VirtualClock(),
  restored: Record<string, unknown> = {},
  signal = new AbortController().signal,
): SourceContext {
  return sourceContext({ clock, restoredPositions: new Map(Object.entries(restored)), signal });
}

function summary<T>(event: SourceEvent<T> | undefined): [T[], unknown] | undefined {
  if (event === undefined) return undefined;
  if (event.kind !== "data") throw new Error(`unexpected ${event.kind}`);
  return [event.values, event.position];
}

/** Whether `promise` settles within a few turns of the event loop. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

const square = (i: number) => i * i;

describe("generatorSource", () => {
  test("with a count: generate(i) for each index, in batches, position = next index", async () => {
    const source = generatorSource({ count: 5, batchSize: 2, generate: square });
    expect(source.bounded).toBe(true);
    const reader = await source.open(contextOf());
    expect(summary(await reader.next())).toEqual([[0, 1], 2]);
    expect(summary(await reader.next())).toEqual([[4, 9], 4]);
    expect(summary(await reader.next())).toEqual([[16], 5]);
    expect(await reader.next()).toBeUndefined();
  });

  test("count 0 is an empty stream", async () => {
    const reader = await generatorSource({ count: 0, generate: square }).open(contextOf());
    expect(await reader.next()).toBeUndefined();
  });

  test("without a count it is unbounded", async () => {
    const source = generatorSource({ batchSize: 1000, generate: (i) => `r${i}` });
    expect(source.bounded).toBe(false);
    const reader = await source.open(contextOf());
    for (let i = 0; i < 50; i++) await reader.next();
    expect(summary(await reader.next())?.[1]).toBe(51_000);
  });

  test("a restore continues at the restored index with the same records", async () => {
    const source = generatorSource({ count: 6, batchSize: 10, generate: square });
    const reader = await source.open(contextOf(new VirtualClock(), { "0": 4 }));
    expect(summary(await reader.next())).toEqual([[16, 25], 6]);
    expect(await reader.next()).toBeUndefined();
  });

  test("paces records on the job's clock", async () => {
    const clock = new VirtualClock(1_000);
    const reader = await generatorSource({ ratePerSecond: 10, batchSize: 3, generate: (i) => i }).open(
      contextOf(clock),
    );
    // Record 0 is due at once, record 1 after 100 ms.
    expect(summary(await reader.next())).toEqual([[0], 1]);
    const second = reader.next();
    expect(await settlesSoon(second)).toBe(false);
    clock.advanceTo(1_099);
    expect(await settlesSoon(second)).toBe(false);
    clock.advanceTo(1_100);
    expect(summary(await second)).toEqual([[1], 2]);
    // Falling behind: what is due comes at once, at most batchSize per batch.
    clock.advanceTo(1_650);
    expect(summary(await reader.next())).toEqual([[2, 3, 4], 5]);
    expect(summary(await reader.next())).toEqual([[5, 6], 7]);
  });

  test("a paced restore starts pacing from the restored index", async () => {
    const clock = new VirtualClock(0);
    const reader = await generatorSource({ ratePerSecond: 2, count: 10, generate: (i) => i }).open(
      contextOf(clock, { "0": 8 }),
    );
    expect(summary(await reader.next())).toEqual([[8], 9]);
    const next = reader.next();
    clock.advanceTo(500);
    expect(summary(await next)).toEqual([[9], 10]);
    expect(await reader.next()).toBeUndefined();
  });

  test("an abort ends a wait for the next record", async () => {
    const clock = new VirtualClock(0);
    const abort = new AbortController();
    const reader = await generatorSource({ ratePerSecond: 1, generate: (i) => i }).open(
      contextOf(clock, {}, abort.signal),
    );
    await reader.next();
    const waiting = reader.next();
    abort.abort();
    expect(await waiting).toBeUndefined();
    // The scheduled wake-up was cancelled: advancing time does not revive the read.
    clock.advanceTo(10_000);
    expect(await reader.next()).toBeUndefined();
  });

  test("a throwing generate fails the read, naming the index", async () => {
    const reader = await generatorSource({
      count: 5,
      generate: (i) => {
        if (i === 3) throw new Error("boom");
        return i;
      },
    }).open(contextOf());
    await expect(reader.next()).rejects.toThrow("generatorSource(generator): generate(3) failed: boom");
  });

  test.each([
    [{ count: -1 }, /count must be an integer >= 0/],
    [{ count: 2.5 }, /count must be an integer >= 0/],
    [{ ratePerSecond: 0 }, /ratePerSecond must be a finite number > 0/],
    [{ ratePerSecond: -3 }, /ratePerSecond/],
    [{ ratePerSecond: Number.POSITIVE_INFINITY }, /ratePerSecond/],
    [{ batchSize: 0 }, /batchSize must be a positive integer/],
  ])("%j is refused", (options, message) => {
    expect(() => generatorSource({ ...options, generate: square })).toThrow(PipelineDefinitionError);
    expect(() => generatorSource({ ...options, generate: square })).toThrow(message);
  });
});
