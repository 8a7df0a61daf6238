import type { SourceSplit } from "@eddy/core";
import { keyGroupsInRange } from "./key-group-points.ts";
import type { ShardInfo } from "./kinesis-client.ts";

/**
 * A stream's shards as the splits several workers share: one split per shard (open or closed),
 * with its parents, and — when the records were partitioned by key groups (`partitioned`) — the
 * key groups whose points fall in the shard's hash range. A closed parent carries the key groups
 * of its children together; it is read to its end before any of them starts, so a key group is
 * read from one shard at a time.
 *
 * Parents come before their children (a lease is created before any lease that waits on it);
 * otherwise the order is `ListShards`'s. A parent not listed any more (trimmed past the
 * retention period) stays named: the lease table counts a parent without a lease as finished.
 */
export function shardsToSplits(
  shards: readonly ShardInfo[],
  keyGroups: number,
  partitioned: boolean,
): SourceSplit[] {
  const byId = new Map(shards.map((shard) => [shard.shardId, shard]));
  const ordered: ShardInfo[] = [];
  const placed = new Set<string>();
  const place = (shard: ShardInfo, path: ReadonlySet<string>) => {
    if (placed.has(shard.shardId)) return;
    if (path.has(shard.shardId)) {
      throw new Error(`ListShards answered a cycle of parents through shard ${shard.shardId}`);
    }
    const inPath = new Set(path).add(shard.shardId);
    for (const parent of shard.parentShardIds) {
      const listed = byId.get(parent);
      if (listed) place(listed, inPath);
    }
    placed.add(shard.shardId);
    ordered.push(shard);
  };
  for (const shard of shards) place(shard, new Set());
  return ordered.map((shard) => ({
    id: shard.shardId,
    parents: [...shard.parentShardIds],
    keyGroups: partitioned ? keyGroupsInRange(shard.startingHashKey, shard.endingHashKey, keyGroups) : [],
  }));
}
