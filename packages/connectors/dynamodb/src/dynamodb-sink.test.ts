import { marshall } from "@aws-sdk/util-dynamodb";
import { SinkWriteError, VirtualClock } from "@eddy/core";
import { sinkContext } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { createDynamoDbSink } from "./dynamodb-sink.ts";
import type { DynamoDbSinkOptions } from "./dynamodb-sink-options.ts";
import { type PlainWrite, ScriptedTable, serviceError } from "./test-support/scripted-table.ts";

interface Row {
  readonly id: string;
  readonly version?: number;
  readonly blob?: string;
}

async function open(table: ScriptedTable, options: Partial<DynamoDbSinkOptions<Row>> = {}) {
  const clock = new VirtualClock();
  const context = sinkContext({ clock });
  const sink = createDynamoDbSink<Row>(
    {
      tableName: "rows",
      item: (r) => ({ ...r }),
      maxBatchSize: 3,
      maxTimeInBufferMS: 1_000,
      retry: { maxAttempts: 4, initialBackoffMS: 100, maxBackoffMS: 400 },
      ...options,
    },
    () => table,
  );
  await sink.open?.(context);
  return { sink, clock, context };
}

/** Awaits `promise` while the virtual clock moves on in steps (backoffs run on it). */
async function onClock<T>(clock: VirtualClock, promise: Promise<T>, step = 10): Promise<T> {
  let done = false;
  const settled = promise.finally(() => {
    done = true;
  });
  settled.catch(() => {});
  for (let i = 0; !done && i < 10_000; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advanceTo(clock.now() + step);
  }
  return settled;
}

const ids = (writes: readonly PlainWrite[]) => writes.map((w) => ("put" in w ? w.put.id : `-${w.delete.id}`));
const put = (item: Record<string, unknown>) => ({ put: marshall(item) });
const plainItem = (write: PlainWrite) => ("put" in write ? write.put : write.delete);

describe("dynamoDbSink on a scripted table", () => {
  test("unprocessed items are sent again alone, after a backoff, until the table holds every item", async () => {
    const table = new ScriptedTable((writes, call) => (call === 1 ? [put(plainItem(writes[1]!))] : []));
    const { sink, clock } = await open(table);
    await sink.write([{ id: "a" }, { id: "b" }, { id: "c" }], []);
    const started = clock.now();
    await onClock(clock, Promise.resolve(sink.snapshot?.(1)));
    expect(table.calls.map(ids)).toEqual([["a", "b", "c"], ["b"]]);
    expect([...table.items.keys()].sort()).toEqual(["a", "b", "c"]);
    expect(clock.now() - started).toBeLessThanOrEqual(110);
  });

  test("a throttled request waits its backoff on the job's clock, within the ceilings", async () => {
    const table = new ScriptedTable((_, call) =>
      call <= 3 ? serviceError("ProvisionedThroughputExceededException") : [],
    );
    const { sink, clock } = await open(table);
    await sink.write([{ id: "a" }], []);
    const times: number[] = [];
    let done = false;
    void Promise.resolve(sink.snapshot?.(1)).then(() => {
      done = true;
    });
    while (!done && clock.now() < 5_000) {
      await new Promise((r) => setImmediate(r));
      while (times.length < table.calls.length) times.push(clock.now());
      clock.advanceTo(clock.now() + 1);
    }
    expect(table.calls).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const [i, gap] of gaps.entries()) expect(gap).toBeLessThanOrEqual([100, 200, 400][i]! + 1);
    expect(table.items.has("a")).toBe(true);
  });

  test("when retries run out the job fails, naming the item's key", async () => {
    const table = new ScriptedTable((writes) => writes.map((w) => put(plainItem(w))));
    const { sink, clock } = await open(table);
    await sink.write([{ id: "stuck" }], []);
    const flushed = onClock(clock, Promise.resolve(sink.snapshot?.(1)));
    await expect(flushed).rejects.toBeInstanceOf(SinkWriteError);
    await expect(flushed).rejects.toThrow(
      'dynamodb(rows): the put of the item with key {"S":"stuck"} still failed after 4 attempts (last: 1 of 1 items unprocessed)',
    );
  });

  test("a batch refused as invalid is written item by item: only the item DynamoDB refuses alone is a dead letter", async () => {
    const table = new ScriptedTable((writes) =>
      writes.some((w) => "put" in w && w.put.blob === "bad") ? serviceError("ValidationException") : [],
    );
    const { sink, context } = await open(table);
    const bad = { id: "b", blob: "bad" };
    await sink.write([{ id: "a" }, bad, { id: "c" }, { id: "d" }], []);
    await sink.snapshot?.(1);
    expect([...table.items.keys()].sort()).toEqual(["a", "c", "d"]);
    expect(context.deadLettersSent).toHaveLength(1);
    expect(context.deadLettersSent[0]).toMatchObject({
      origin: "dynamodb(rows)",
      reason: "rejected",
      value: bad,
    });
    expect(context.deadLettersSent[0]!.error).toBe(
      'DynamoDB refused the put of the item with key {"S":"b"}: ValidationException: ValidationException (scripted)',
    );
  });

  test("items without a key, too large or that cannot be built go to the dead letters; failOnError fails instead", async () => {
    const table = new ScriptedTable();
    const { sink, context } = await open(table, { maxRecordSizeInBytes: 50 });
    const noKey = { version: 1 } as unknown as Row;
    const big = { id: "big", blob: "x".repeat(100) };
    const weird = { id: "w", blob: undefined };
    await sink.write([{ id: "a" }, noKey, big, weird], [1, 2, 3, 4]);
    await sink.snapshot?.(1);
    expect([...table.items.keys()]).toEqual(["a"]);
    expect(context.deadLettersSent.map((d) => [d.reason, d.value, d.timestamp])).toEqual([
      ["invalid", noKey, 2],
      ["too-large", big, 3],
      ["invalid", weird, 4],
    ]);
    expect(context.deadLettersSent.map((d) => d.error)).toEqual([
      "its item lacks one of the key attributes id",
      "its item is about 109 bytes, more than maxRecordSizeInBytes (50)",
      expect.stringMatching(/^its item cannot be built: Pass options.removeUndefinedValues=true/),
    ]);
    const strict = await open(new ScriptedTable(), { failOnError: true });
    expect(() => strict.sink.write([noKey], [])).toThrow(
      "dynamodb(rows): a record is not written because its item lacks one of the key attributes id (failOnError is set)",
    );
  });

  test("writes to one key keep their order: a newer write replaces a buffered one and never overtakes one in flight", async () => {
    const table = new ScriptedTable(() => [], true);
    const { sink } = await open(table, { maxInFlightRequests: 4, maxBatchSize: 2 });
    await sink.write(
      [
        { id: "a", version: 1 },
        { id: "b", version: 1 },
      ],
      [],
    );
    const flushed = Promise.resolve(sink.snapshot?.(1));
    await new Promise((r) => setImmediate(r));
    expect(table.calls).toHaveLength(1);
    // a and b are in flight: their newer versions wait, the latest replacing the older.
    await sink.write(
      [
        { id: "a", version: 2 },
        { id: "a", version: 3 },
        { id: "c", version: 1 },
      ],
      [],
    );
    await new Promise((r) => setImmediate(r));
    expect(table.calls.map(ids)).toEqual([["a", "b"], ["c"]]);
    table.release();
    await new Promise((r) => setImmediate(r));
    table.release();
    await flushed;
    await sink.snapshot?.(2);
    expect(table.calls.map(ids)).toEqual([["a", "b"], ["c"], ["a"]]);
    expect(table.items.get("a")).toEqual({ id: "a", version: 3 });
  });

  test("conditional writes: an older version is not an error; an item refused alone is a dead letter", async () => {
    const table = new ScriptedTable((writes) =>
      writes.some((w) => "put" in w && w.put.blob === "bad") ? serviceError("ValidationException") : [],
    );
    const { sink, context } = await open(table, { conditionalWrite: { onlyIfNewer: "version" } });
    await sink.write([{ id: "a", version: 3 }], []);
    await sink.snapshot?.(1);
    await sink.write(
      [
        { id: "a", version: 2 },
        { id: "b", version: 1, blob: "bad" },
        { id: "c", version: 1 },
      ],
      [],
    );
    await sink.snapshot?.(2);
    expect(table.items.get("a")).toEqual({ id: "a", version: 3 });
    expect(table.items.get("c")).toEqual({ id: "c", version: 1 });
    expect(context.deadLettersSent.map((d) => d.value)).toEqual([{ id: "b", version: 1, blob: "bad" }]);
  });

  test("a missing table fails when the sink opens; a missing table later fails the job at once", async () => {
    const missing = new ScriptedTable();
    missing.primaryKey = async () => {
      throw serviceError("ResourceNotFoundException");
    };
    await expect(open(missing)).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    expect(missing.closed).toBe(true);
    const dropped = new ScriptedTable(() => serviceError("ResourceNotFoundException"));
    const { sink } = await open(dropped);
    await sink.write([{ id: "a" }], []);
    await expect(sink.snapshot?.(1)).rejects.toThrow(/cannot be retried: ResourceNotFoundException/);
    expect(dropped.calls).toHaveLength(1);
  });
});
