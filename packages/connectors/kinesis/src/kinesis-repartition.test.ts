import { systemClock } from "@eddy/core";
import { describe, expect, test } from "vitest";
import type { PutEntry, ShardInfo } from "./kinesis-client.ts";
import { entriesToPutAgain, kinesisStreamWriter, type OrderedEntry } from "./kinesis-repartition.ts";
import { resolveRetry } from "./retry.ts";
import { ScriptedStreamProxy } from "./test-support/scripted-stream-proxy.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HALF = 2n ** 127n;
const shards: ShardInfo[] = [
  { shardId: "a", parentShardIds: [], startingHashKey: "0", endingHashKey: String(HALF - 1n), closed: false },
  {
    shardId: "b",
    parentShardIds: [],
    startingHashKey: String(HALF),
    endingHashKey: String(2n ** 128n - 1n),
    closed: false,
  },
];
const shardOf = (entry: PutEntry) => (BigInt(entry.explicitHashKey!) < HALF ? "a" : "b");
const failed = (index: number) => ({
  index,
  errorCode: "InternalFailure",
  errorMessage: "Internal service failure.",
});

/** A writer of 8 key groups over a scripted stream of two shards (groups 0–3 in a, 4–7 in b). */
function open(answer: ConstructorParameters<typeof ScriptedStreamProxy>[0]) {
  const proxy = new ScriptedStreamProxy(answer);
  proxy.listShards = async () => shards;
  // Backoffs of a millisecond on the wall clock: the test is about what is put again, not when.
  const retry = resolveRetry({ maxAttempts: 4, initialBackoffMS: 1, maxBackoffMS: 1 }, "test");
  return { proxy, writer: kinesisStreamWriter("rp", 8, proxy, { retry, clock: systemClock }) };
}

const message = (text: string, keyGroup?: number) => ({ data: encoder.encode(text), keyGroup });
/** What each shard stored, in order. */
const storedByShard = (stored: readonly PutEntry[]) => {
  const by = { a: [] as string[], b: [] as string[] };
  for (const entry of stored) by[shardOf(entry)].push(decoder.decode(entry.data));
  return by;
};

describe("the Kinesis repartition writer", () => {
  test("after a partial failure it puts again the failed entries and every marker after the first of them", () => {
    const entries: OrderedEntry[] = ["m1", "m2", "r1", "m3", "r2"].map((name) => ({
      entry: { data: encoder.encode(name), partitionKey: name },
      marker: name.startsWith("m"),
    }));
    const names = (list: OrderedEntry[]) => list.map((e) => e.entry.partitionKey);
    expect(names(entriesToPutAgain(entries, new Set([1])))).toEqual(["m2", "m3"]);
    expect(names(entriesToPutAgain(entries, new Set([2, 4])))).toEqual(["r1", "m3", "r2"]);
    expect(names(entriesToPutAgain(entries, new Set([4])))).toEqual(["r2"]);
  });

  test("a marker that failed in one shard is put again with the markers after it: every shard ends with the last one", async () => {
    // idle in shard a fails, active after it is stored: put again alone, idle would end up last.
    const { proxy, writer } = open((_, call) => (call === 1 ? [failed(0)] : []));
    await writer.write([message("idle"), message("active")]);
    expect(proxy.calls.map((call) => call.map((e) => `${decoder.decode(e.data)}@${shardOf(e)}`))).toEqual([
      ["idle@a", "idle@b", "active@a", "active@b"],
      ["idle@a", "idle@b", "active@a", "active@b"],
    ]);
    expect(storedByShard(proxy.stored)).toEqual({
      a: ["active", "idle", "active"],
      b: ["idle", "active", "idle", "active"],
    });
  });

  test("records and markers of one write go in one call; a failed record alone is put again", async () => {
    const { proxy, writer } = open((_, call) => (call === 1 ? [failed(2)] : []));
    await writer.write([message("w"), message("r1", 1), message("r2", 6)]);
    expect(proxy.calls.map((call) => call.map((e) => decoder.decode(e.data)))).toEqual([
      ["w", "w", "r1", "r2"],
      ["r1"],
    ]);
    expect(storedByShard(proxy.stored)).toEqual({ a: ["w", "r1"], b: ["w", "r2"] });
  });

  test("a write is cut into calls of at most 500 entries and 5 MiB; a record over 1 MiB is refused naming its size", async () => {
    const { proxy, writer } = open(() => []);
    await writer.write(Array.from({ length: 600 }, (_, i) => message(`r${i}`, i % 8)));
    expect(proxy.calls.map((call) => call.length)).toEqual([500, 100]);
    const big = { data: new Uint8Array(1_000_000), keyGroup: 3 };
    await writer.write(Array.from({ length: 6 }, () => big));
    expect(proxy.calls.slice(2).map((call) => call.length)).toEqual([5, 1]);
    await expect(writer.write([{ data: new Uint8Array(1024 * 1024), keyGroup: 3 }])).rejects.toThrow(
      "repartition stream rp: a record of 1048577 bytes exceeds Kinesis' 1048576 bytes per record",
    );
  });
});
