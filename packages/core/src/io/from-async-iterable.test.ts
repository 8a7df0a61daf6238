import { describe, expect, test } from "vitest";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { SourceBatch, SourceContext, SourceReader } from "../runtime/source.ts";
import { sourceContext } from "../testing/connector-contexts.ts";
import { fromAsyncIterable } from "./from-async-iterable.ts";

function contextOf(
  restored: Record<string, unknown> = {},
  signal = new AbortController().signal,
): SourceContext {
  return sourceContext({ restoredPositions: new Map(Object.entries(restored)), signal });
}

async function drain<T>(reader: SourceReader<T>): Promise<SourceBatch<T>[]> {
  const batches: SourceBatch<T>[] = [];
  for (;;) {
    const event = await reader.next();
    if (event === undefined) break;
    if (event.kind !== "data") throw new Error(`unexpected ${event.kind}`);
    batches.push(event);
  }
  return batches;
}

/** A replayable async iterable: every iteration starts over. */
function replayable<T>(values: readonly T[]): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const value of values) yield value;
    },
  };
}

function latch(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("fromAsyncIterable", () => {
  test("emits what the iterable yields, in full batches when it is fast", async () => {
    const source = fromAsyncIterable(replayable([1, 2, 3, 4, 5, 6, 7]), { batchSize: 3 });
    expect(source.bounded).toBe(true);
    const batches = await drain(await source.open(contextOf()));
    expect(batches.map((b) => [b.split, b.values, b.position])).toEqual([
      ["0", [1, 2, 3], 3],
      ["0", [4, 5, 6], 6],
      ["0", [7], 7],
    ]);
  });

  test("does not hold a record back waiting for the next one", async () => {
    const gate = latch();
    const slow: AsyncIterable<string> = {
      async *[Symbol.asyncIterator]() {
        yield "a";
        await gate.promise;
        yield "b";
      },
    };
    const reader = await fromAsyncIterable(slow).open(contextOf());
    expect(await reader.next()).toMatchObject({ values: ["a"], position: 1 });
    const next = reader.next();
    gate.open();
    expect(await next).toMatchObject({ values: ["b"], position: 2 });
    expect(await reader.next()).toBeUndefined();
  });

  test("a restore skips the records its position counts", async () => {
    const source = fromAsyncIterable(replayable(["a", "b", "c", "d"]), { batchSize: 10 });
    const batches = await drain(await source.open(contextOf({ "0": 3 })));
    expect(batches.map((b) => [b.values, b.position])).toEqual([[["d"], 4]]);
    expect(await drain(await source.open(contextOf({ "0": 4 })))).toEqual([]);
  });

  test("timestampOf stamps records at the source", async () => {
    const source = fromAsyncIterable(replayable([{ at: 5 }, { at: 2 }]), { timestampOf: (r) => r.at });
    const [batch] = await drain(await source.open(contextOf()));
    expect(batch?.timestamps).toEqual([5, 2]);
  });

  test("an abort ends a pending wait", async () => {
    const abort = new AbortController();
    const never: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<number>>(() => {}) }),
    };
    const reader = await fromAsyncIterable(never).open(contextOf({}, abort.signal));
    const pending = reader.next();
    abort.abort();
    expect(await pending).toBeUndefined();
    await reader.close?.();
  });

  test("an iterable's error fails the read", async () => {
    const failing: AsyncIterable<number> = {
      async *[Symbol.asyncIterator]() {
        yield 1;
        throw new Error("connection reset");
      },
    };
    const reader = await fromAsyncIterable(failing, { batchSize: 1 }).open(contextOf());
    expect(await reader.next()).toMatchObject({ values: [1] });
    await expect(reader.next()).rejects.toThrow("connection reset");
  });

  test("close returns an unfinished iterator", async () => {
    let released = false;
    const source: AsyncIterable<number> = {
      async *[Symbol.asyncIterator]() {
        try {
          yield 1;
          yield 2;
        } finally {
          released = true;
        }
      },
    };
    const reader = await fromAsyncIterable(source, { batchSize: 1 }).open(contextOf());
    await reader.next();
    await reader.close?.();
    expect(released).toBe(true);
  });

  test("batchSize must be a positive integer", () => {
    expect(() => fromAsyncIterable(replayable([1]), { batchSize: 0 })).toThrow(PipelineDefinitionError);
    expect(() => fromAsyncIterable(replayable([1]), { batchSize: 0 })).toThrow(/batchSize/);
  });
});
