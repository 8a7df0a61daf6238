import { describe, expect, it } from "vitest";
import { inAppStreamNames, inAppStreamOf } from "./input-parallelism.ts";

describe("input parallelism", () => {
  it("names the streams <prefix>_001 … <prefix>_<count>", () => {
    expect(inAppStreamNames("SOURCE_SQL_STREAM", 1)).toEqual(["SOURCE_SQL_STREAM_001"]);
    expect(inAppStreamNames("IN", 64).at(-1)).toBe("IN_064");
    expect(inAppStreamNames("IN", 12)).toHaveLength(12);
  });

  it("spreads a stream's shards evenly and keeps each shard on its stream", () => {
    const names = inAppStreamNames("IN", 3);
    const shards = Array.from({ length: 12 }, (_, i) => `shardId-${String(i).padStart(12, "0")}`);
    const counts = new Map<string, number>();
    for (const shard of shards) {
      const stream = inAppStreamOf(shard, names);
      expect(inAppStreamOf(shard, names)).toBe(stream);
      counts.set(stream, (counts.get(stream) ?? 0) + 1);
    }
    expect([...counts.entries()].sort()).toEqual([
      ["IN_001", 4],
      ["IN_002", 4],
      ["IN_003", 4],
    ]);
    expect(inAppStreamOf("shardId-000000000013", names)).toBe("IN_002");
  });

  it("places other split ids by a stable hash, and one stream takes everything", () => {
    const names = inAppStreamNames("IN", 4);
    const placed = ["firehose", "a", "b", "c", "d", "e", "f", "g"].map((id) => inAppStreamOf(id, names));
    expect(placed).toEqual(
      ["firehose", "a", "b", "c", "d", "e", "f", "g"].map((id) => inAppStreamOf(id, names)),
    );
    expect(new Set(placed).size).toBeGreaterThan(1);
    expect(inAppStreamOf("anything", ["ONLY_001"])).toBe("ONLY_001");
    expect(() => inAppStreamOf("shardId-000000000000", [])).toThrow(RangeError);
  });
});
