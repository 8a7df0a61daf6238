import { describe, expect, test } from "vitest";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { SourceBatch, SourceContext, SourceReader } from "../runtime/source.ts";
import { sourceContext } from "../testing/connector-contexts.ts";
import { fromIterable } from "./from-iterable.ts";

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

describe("fromIterable", () => {
  test("emits the values in order, in batches, with the count emitted as position", async () => {
    const source = fromIterable([1, 2, 3, 4, 5], { batchSize: 2 });
    expect(source.bounded).toBe(true);
    const batches = await drain(await source.open(contextOf()));
    expect(batches.map((b) => [b.split, b.values, b.position, b.timestamps])).toEqual([
      ["0", [1, 2], 2, undefined],
      ["0", [3, 4], 4, undefined],
      ["0", [5], 5, undefined],
    ]);
  });

  test("uses one batch of up to 1000 records by default", async () => {
    const values = Array.from({ length: 2500 }, (_, i) => i);
    const batches = await drain(await fromIterable(values).open(contextOf()));
    expect(batches.map((b) => b.values.length)).toEqual([1000, 1000, 500]);
    expect(batches.flatMap((b) => b.values)).toEqual(values);
  });

  test("an empty iterable ends at once", async () => {
    expect(await drain(await fromIterable([]).open(contextOf()))).toEqual([]);
  });

  test("a restore skips the records its position counts", async () => {
    const source = fromIterable(["a", "b", "c", "d", "e"], { batchSize: 2 });
    const batches = await drain(await source.open(contextOf({ "0": 3 })));
    expect(batches.map((b) => [b.values, b.position])).toEqual([[["d", "e"], 5]]);
    expect(await drain(await source.open(contextOf({ "0": 5 })))).toEqual([]);
    expect(await drain(await source.open(contextOf({ "0": 9 })))).toEqual([]);
  });

  test("a reopened source iterates a re-iterable input from its start", async () => {
    const source = fromIterable(new Set(["x", "y"]));
    expect((await drain(await source.open(contextOf()))).flatMap((b) => b.values)).toEqual(["x", "y"]);
    expect((await drain(await source.open(contextOf()))).flatMap((b) => b.values)).toEqual(["x", "y"]);
  });

  test("timestampOf stamps records at the source", async () => {
    const source = fromIterable(
      [
        { id: "a", at: 30 },
        { id: "b", at: 10 },
      ],
      { timestampOf: (r) => r.at },
    );
    const [batch] = await drain(await source.open(contextOf()));
    expect(batch?.timestamps).toEqual([30, 10]);
  });

  test("a throwing timestampOf fails the read, naming the record", async () => {
    const source = fromIterable([1, 2, 3], {
      batchSize: 2,
      timestampOf: (n) => {
        if (n === 3) throw new Error("no time");
        return n;
      },
    });
    const reader = await source.open(contextOf());
    await reader.next();
    await expect(reader.next()).rejects.toThrow(
      "fromIterable(iterable): timestampOf failed for record 2: no time",
    );
  });

  test("reads nothing once the job is aborted", async () => {
    const abort = new AbortController();
    const reader = await fromIterable([1, 2, 3], { batchSize: 1 }).open(contextOf({}, abort.signal));
    expect((await reader.next())?.kind).toBe("data");
    abort.abort();
    expect(await reader.next()).toBeUndefined();
  });

  test("close ends an unfinished iterator", async () => {
    let closed = false;
    function* numbers() {
      try {
        yield 1;
        yield 2;
      } finally {
        closed = true;
      }
    }
    const reader = await fromIterable({ [Symbol.iterator]: numbers }, { batchSize: 1 }).open(contextOf());
    await reader.next();
    await reader.close?.();
    expect(closed).toBe(true);
  });

  test.each([0, -1, 2.5, Number.NaN])("batchSize %s is refused, naming the option", (batchSize) => {
    expect(() => fromIterable([1], { batchSize })).toThrow(PipelineDefinitionError);
    expect(() => fromIterable([1], { batchSize })).toThrow(/batchSize must be a positive integer/);
  });

  test("a position that is not a count is refused on restore", () => {
    const source = fromIterable([1]);
    expect(() => source.open(contextOf({ "0": { offset: 3 } }))).toThrow(PipelineDefinitionError);
    expect(() => source.open(contextOf({ "0": -1 }))).toThrow(/not a record count/);
  });
});
