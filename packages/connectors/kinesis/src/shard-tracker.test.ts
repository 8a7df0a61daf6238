import { describe, expect, test } from "vitest";
import type { ShardInfo } from "./kinesis-client.ts";
import { parseShardPosition, type ShardPosition } from "./shard-position.ts";
import { type InitialPosition, ShardTracker } from "./shard-tracker.ts";

const shard = (id: string, parents: string[] = [], closed = false): ShardInfo => ({
  shardId: id,
  parentShardIds: parents,
  startingHashKey: "0",
  endingHashKey: "1",
  closed,
});
const ids = (ready: { shardId: string }[]) => ready.map((r) => r.shardId);
const tracker = (
  restored: [string, ShardPosition][] = [],
  position: InitialPosition = "TRIM_HORIZON",
  expired?: string[],
) =>
  new ShardTracker(
    new Map(restored),
    { position, timestamp: 500 },
    () => 1_000,
    (id) => expired?.push(id),
  );

describe("ShardTracker", () => {
  test("reads parents before children across a split and a merge", () => {
    const t = tracker();
    // 0 split into 1 and 2; 2 merged with 3 into 4.
    const ready = t.discovered([
      shard("0", [], true),
      shard("1", ["0"]),
      shard("2", ["0"], true),
      shard("3", [], true),
      shard("4", ["2", "3"]),
    ]);
    expect(ids(ready)).toEqual(["0", "3"]);
    expect(ids(t.finished("3"))).toEqual([]);
    expect(ids(t.finished("0"))).toEqual(["1", "2"]);
    expect(ids(t.finished("2"))).toEqual(["4"]);
    expect(t.stateOf("4")).toBe("reading");
  });

  test("children announced by ChildShards start at TRIM_HORIZON once every parent is finished", () => {
    const t = tracker([], "LATEST");
    expect(ids(t.discovered([shard("a"), shard("b")]))).toEqual(["a", "b"]);
    expect(t.finished("a", [shard("c", ["a", "b"])])).toEqual([]);
    expect(t.finished("b", [shard("c", ["a", "b"])])).toEqual([
      {
        shardId: "c",
        start: { iterator: { type: "TRIM_HORIZON" }, skip: undefined },
        startPosition: undefined,
      },
    ]);
  });

  test("a fresh start uses the initial position, recording a timestamp position for LATEST and AT_TIMESTAMP", () => {
    expect(tracker([], "LATEST").discovered([shard("a")])).toEqual([
      {
        shardId: "a",
        start: { iterator: { type: "LATEST" }, skip: undefined },
        startPosition: { kind: "timestamp", timestamp: 1_000 },
      },
    ]);
    expect(tracker([], "AT_TIMESTAMP").discovered([shard("a")])[0]).toMatchObject({
      start: { iterator: { type: "AT_TIMESTAMP", timestamp: 500 } },
      startPosition: { kind: "timestamp", timestamp: 500 },
    });
    // Shards found by a later listing were created after the start: read from their beginning.
    const t = tracker([], "LATEST");
    t.discovered([shard("a")]);
    expect(t.discovered([shard("a"), shard("b")])[0]).toMatchObject({
      shardId: "b",
      start: { iterator: { type: "TRIM_HORIZON" } },
    });
  });

  test("a restore resumes checkpointed shards, skips finished ones, and starts unknown ones at TRIM_HORIZON", () => {
    const expired: string[] = [];
    const t = tracker(
      [
        ["0", { kind: "finished" }],
        ["1", { kind: "sequence", sequenceNumber: "9", subSequenceNumber: 0, complete: true }],
        ["gone", { kind: "sequence", sequenceNumber: "3", subSequenceNumber: 0, complete: true }],
      ],
      "LATEST",
      expired,
    );
    const ready = t.discovered([
      shard("0", [], true),
      shard("1", ["0"]),
      shard("2", ["0"]),
      shard("5", ["gone"]),
    ]);
    expect(ready).toEqual([
      {
        shardId: "1",
        start: { iterator: { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: "9" }, skip: undefined },
        startPosition: undefined,
      },
      {
        shardId: "2",
        start: { iterator: { type: "TRIM_HORIZON" }, skip: undefined },
        startPosition: undefined,
      },
      {
        shardId: "5",
        start: { iterator: { type: "TRIM_HORIZON" }, skip: undefined },
        startPosition: undefined,
      },
    ]);
    expect(expired).toEqual(["gone"]);
    expect(t.stateOf("0")).toBe("finished");
    // The trimmed shard is reported finished, so the watermark kept for it stops holding the stream.
    expect(t.takeFinishedUnread()).toEqual(["gone"]);
  });

  test("a child waits for a restored parent that is not finished", () => {
    const t = tracker([
      ["0", { kind: "sequence", sequenceNumber: "1", subSequenceNumber: 2, complete: false }],
    ]);
    const ready = t.discovered([shard("0", [], true), shard("1", ["0"])]);
    expect(ready).toEqual([
      {
        shardId: "0",
        start: {
          iterator: { type: "AT_SEQUENCE_NUMBER", sequenceNumber: "1" },
          skip: { sequenceNumber: "1", upToSubSequence: 2 },
        },
        startPosition: undefined,
      },
    ]);
    expect(ids(t.finished("0"))).toEqual(["1"]);
  });

  test("listings keep a shard's closed flag up to date", () => {
    const t = tracker();
    t.discovered([shard("a")]);
    expect(t.isClosed("a")).toBe(false);
    t.discovered([shard("a", [], true), shard("b", ["a"])]);
    expect(t.isClosed("a")).toBe(true);
  });

  test("checkpointed positions are validated when read back", () => {
    expect(parseShardPosition({ kind: "finished" }, "s")).toEqual({ kind: "finished" });
    expect(() => parseShardPosition(17, "shard-9")).toThrow(
      /position of shard shard-9 is not a Kinesis position: 17/,
    );
    expect(() => parseShardPosition({ kind: "sequence", sequenceNumber: 5 }, "s")).toThrow();
  });
});
