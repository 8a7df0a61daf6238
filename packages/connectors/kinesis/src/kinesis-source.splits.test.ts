import { keyGroupOf, type SourceEvent, type SourceReader, systemClock } from "@eddy/core";
import { sourceContext } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import type { KinesisDeadLetter } from "./dead-letter.ts";
import { json } from "./decoders.ts";
import { keyGroupPoint } from "./key-group-points.ts";
import type { KinesisRecord } from "./kinesis-client.ts";
import { createKinesisSource, type KinesisSource } from "./kinesis-source.ts";
import type { KinesisSourceOptions } from "./options.ts";
import { type ScriptedShard, ScriptedShards } from "./test-support/scripted-shards.ts";

// Hash ranges as ListShards gives them for a stream created with 2 shards, one of which was then
// split at its middle, and for the merge of two adjacent shards.
const HALF = "170141183460469231731687303715884105727";
const UPPER = "170141183460469231731687303715884105728";
const MAX = "340282366920938463463374607431768211455";
const QUARTER = "85070591730234615865843651857942052863";
const QUARTER_NEXT = "85070591730234615865843651857942052864";
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

interface Tick {
  readonly symbol: string;
  readonly n: number;
}
const bySymbol = (t: Tick) => t.symbol;
const encoder = new TextEncoder();

function shard(
  shardId: string,
  [startingHashKey, endingHashKey]: readonly [string, string],
  options: { parents?: string[]; closed?: boolean; records?: KinesisRecord[] } = {},
): ScriptedShard {
  return {
    shardId,
    parentShardIds: options.parents ?? [],
    startingHashKey,
    endingHashKey,
    closed: options.closed ?? false,
    records: options.records ?? [],
  };
}

/** Records of `symbol`, numbered from `from`, with sequence numbers `<shard>-<n>`. */
function ticks(shardId: string, symbol: string, from: number, count: number): KinesisRecord[] {
  return range(from, from + count).map((n) => ({
    data: encoder.encode(JSON.stringify({ symbol, n })),
    partitionKey: symbol,
    sequenceNumber: `${shardId}-${n}`,
    explicitHashKey: undefined,
    arrivalTime: 1_000 + n,
  }));
}

function source(proxy: ScriptedShards, options: Partial<KinesisSourceOptions<Tick>> = {}) {
  return createKinesisSource<Tick>(
    {
      stream: "ticks",
      decode: json<Tick>(),
      partitionKey: bySymbol,
      getRecordsIntervalMs: 0,
      shardDiscoveryIntervalMs: 60_000,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      ...options,
    },
    () => proxy,
  );
}

const listing = { keyGroups: 128, signal: new AbortController().signal };

/** Opens `kinesis` (a reader stopped and closed afterwards) and reads until `done` says so. */
async function readWith<T>(
  kinesis: KinesisSource<T>,
  context: { assignedSplits?: ReadonlySet<string>; restoredPositions?: ReadonlyMap<string, unknown> },
  done: (events: SourceEvent<T>[]) => boolean,
): Promise<SourceEvent<T>[]> {
  const stop = new AbortController();
  const reader = await kinesis.open(sourceContext({ clock: systemClock, signal: stop.signal, ...context }));
  try {
    return await readUntil(reader, done);
  } finally {
    stop.abort();
    await reader.close?.();
  }
}

/** Reads events until `done` says so (or fails after 200 events, naming what it saw). */
async function readUntil<T>(
  reader: SourceReader<T>,
  done: (events: SourceEvent<T>[]) => boolean,
): Promise<SourceEvent<T>[]> {
  const events: SourceEvent<T>[] = [];
  while (!done(events)) {
    if (events.length > 200) throw new Error(`not done after ${JSON.stringify(events)}`);
    const event = await reader.next();
    if (event === undefined) break;
    events.push(event);
  }
  return events;
}

const statuses = (events: SourceEvent<unknown>[]) =>
  events.filter((e) => e.kind === "split-status").map((e) => `${e.split}:${e.status}`);
const values = <T>(events: SourceEvent<T>[]): T[] =>
  events.flatMap((e) => (e.kind === "data" && e.tag === undefined ? e.values : []));

describe("the shards of a stream as splits", () => {
  test("one split per shard, open or closed, with its parents and the key groups whose points it holds", async () => {
    // Shard 0 (lower half) was split into 2 and 3; ListShards answers children before the parent
    // here, and the listing names a parent (shard 9) trimmed past the retention period.
    const proxy = new ScriptedShards([
      shard("shardId-2", ["0", QUARTER], { parents: ["shardId-0"] }),
      shard("shardId-3", [QUARTER_NEXT, HALF], { parents: ["shardId-0"] }),
      shard("shardId-0", ["0", HALF], { closed: true }),
      shard("shardId-1", [UPPER, MAX], { parents: ["shardId-9"] }),
    ]);
    const splits = await source(proxy).listSplits(listing);
    expect(splits).toEqual([
      { id: "shardId-0", parents: [], keyGroups: range(0, 64) },
      { id: "shardId-2", parents: ["shardId-0"], keyGroups: range(0, 32) },
      { id: "shardId-3", parents: ["shardId-0"], keyGroups: range(32, 64) },
      { id: "shardId-1", parents: ["shardId-9"], keyGroups: range(64, 128) },
    ]);
    expect(proxy.closed).toBe(true);
  });

  test("a merged shard has both parents, after them, and carries the key groups of both", async () => {
    const proxy = new ScriptedShards([
      shard("shardId-4", ["0", HALF], { parents: ["shardId-2", "shardId-3"] }),
      shard("shardId-2", ["0", QUARTER], { closed: true }),
      shard("shardId-3", [QUARTER_NEXT, HALF], { closed: true }),
      shard("shardId-1", [UPPER, MAX]),
    ]);
    const splits = await source(proxy).listSplits({ ...listing, keyGroups: 8 });
    expect(splits.map((s) => [s.id, s.parents, s.keyGroups])).toEqual([
      ["shardId-2", [], [0, 1]],
      ["shardId-3", [], [2, 3]],
      ["shardId-4", ["shardId-2", "shardId-3"], [0, 1, 2, 3]],
      ["shardId-1", [], [4, 5, 6, 7]],
    ]);
  });

  test("without a partition key, splits carry no key groups, and the source declares none", async () => {
    const proxy = new ScriptedShards([shard("shardId-0", ["0", HALF]), shard("shardId-1", [UPPER, MAX])]);
    const unkeyed = source(proxy, { partitionKey: undefined });
    expect(unkeyed.partitionKey).toBeUndefined();
    expect((await unkeyed.listSplits(listing)).map((s) => s.keyGroups)).toEqual([[], []]);
    expect(source(proxy).partitionKey).toBe(bySymbol);
  });
});

describe("reading the assigned shards", () => {
  // One key in each half of the hash space (of 128 key groups: 0..63 and 64..127).
  const lowKey = "k5";
  const highKey = "k1";

  test("the keys of the fixtures fall in the halves they are written to", () => {
    expect(BigInt(keyGroupPoint(groupOf(lowKey))) <= BigInt(HALF)).toBe(true);
    expect(BigInt(keyGroupPoint(groupOf(highKey))) > BigInt(HALF)).toBe(true);
  });

  test("only the assigned shards are read, each from its published position; a child without one from its start", async () => {
    const proxy = new ScriptedShards([
      shard("shardId-0", ["0", HALF], { closed: true, records: ticks("shardId-0", lowKey, 0, 3) }),
      shard("shardId-1", [UPPER, MAX], { records: ticks("shardId-1", highKey, 0, 5) }),
      shard("shardId-2", ["0", QUARTER], {
        parents: ["shardId-0"],
        records: ticks("shardId-2", lowKey, 3, 2),
      }),
    ]);
    const kinesis = source(proxy, { initialPosition: "LATEST" });
    await kinesis.listSplits(listing);
    const events = await readWith(
      kinesis,
      {
        assignedSplits: new Set(["shardId-1", "shardId-2"]),
        restoredPositions: new Map([
          [
            "shardId-1",
            { kind: "sequence", sequenceNumber: "shardId-1-1", subSequenceNumber: 0, complete: true },
          ],
        ]),
      },
      (seen) => values(seen).length >= 5,
    );
    expect(proxy.iterators.map((i) => [i.shardId, i.start.type]).sort()).toEqual([
      ["shardId-1", "AFTER_SEQUENCE_NUMBER"],
      ["shardId-2", "TRIM_HORIZON"],
    ]);
    expect(
      values(events)
        .map((t) => `${t.symbol}#${t.n}`)
        .sort(),
    ).toEqual([`${highKey}#2`, `${highKey}#3`, `${highKey}#4`, `${lowKey}#3`, `${lowKey}#4`].sort());
    // Both joined the watermark before their first records.
    const firstData = events.findIndex((e) => e.kind === "data" && e.values.length > 0);
    expect(statuses(events.slice(0, firstData)).sort()).toEqual(["shardId-1:active", "shardId-2:active"]);
  });

  test("an assigned shard already read to its end, or gone from the stream, is reported finished at once", async () => {
    const proxy = new ScriptedShards([
      shard("shardId-0", ["0", HALF], { closed: true, records: ticks("shardId-0", lowKey, 0, 3) }),
      shard("shardId-1", [UPPER, MAX], { records: ticks("shardId-1", highKey, 0, 1) }),
    ]);
    const kinesis = source(proxy);
    await kinesis.listSplits(listing);
    const events = await readWith(
      kinesis,
      {
        assignedSplits: new Set(["shardId-0", "shardId-7"]),
        restoredPositions: new Map([["shardId-0", { kind: "finished" }]]),
      },
      (seen) => seen.length >= 2,
    );
    expect(events).toEqual([
      { kind: "split-status", split: "shardId-0", status: "finished", position: { kind: "finished" } },
      { kind: "split-status", split: "shardId-7", status: "finished", position: { kind: "finished" } },
    ]);
    expect(proxy.iterators).toEqual([]);
  });

  test("a record whose key is in another shard's key groups goes to the dead letters, naming both", async () => {
    const proxy = new ScriptedShards([
      shard("shardId-0", ["0", HALF], {
        records: [
          ...ticks("shardId-0", lowKey, 0, 1),
          ...ticks("shardId-0", highKey, 1, 1),
          ...ticks("shardId-0", lowKey, 2, 1),
        ],
      }),
      shard("shardId-1", [UPPER, MAX]),
    ]);
    const kinesis = source(proxy, { initialPosition: "TRIM_HORIZON" });
    await kinesis.listSplits(listing);
    const events = await readWith(
      kinesis,
      { assignedSplits: new Set(["shardId-0"]) },
      (seen) => values(seen).length >= 2 && seen.some((e) => e.kind === "data" && e.tag),
    );
    expect(values(events).map((t) => t.n)).toEqual([0, 2]);
    const dead = events.flatMap((e) =>
      e.kind === "data" && e.tag ? (e.values as unknown as KinesisDeadLetter[]) : [],
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      shardId: "shardId-0",
      sequenceNumber: "shardId-0-1",
      reason: "not-co-partitioned",
    });
    expect(dead[0]!.error).toContain(
      `key "${highKey}" is in key group ${groupOf(highKey)} of 128, which shard shardId-0 does not carry`,
    );
  });

  test("in one process, a child shard joins the watermark before its parent leaves it", async () => {
    const proxy = new ScriptedShards([
      shard("shardId-0", ["0", HALF], { closed: true, records: ticks("shardId-0", lowKey, 0, 2) }),
      shard("shardId-1", [UPPER, MAX]),
      shard("shardId-2", ["0", QUARTER], {
        parents: ["shardId-0"],
        records: ticks("shardId-2", lowKey, 2, 1),
      }),
    ]);
    const kinesis = source(proxy, { initialPosition: "TRIM_HORIZON" });
    const events = await readWith(kinesis, {}, (seen) => values(seen).length >= 3);
    const order = statuses(events);
    expect(order.indexOf("shardId-2:active")).toBeGreaterThanOrEqual(0);
    expect(order.indexOf("shardId-2:active")).toBeLessThan(order.indexOf("shardId-0:finished"));
    const childData = events.findIndex(
      (e) => e.kind === "data" && e.split === "shardId-2" && e.values.length > 0,
    );
    const parentEnd = events.findIndex((e) => e.kind === "split-status" && e.status === "finished");
    expect(childData).toBeGreaterThan(parentEnd);
  });
});

function groupOf(key: string): number {
  return keyGroupOf(key, 128);
}
