/**
 * The in-application streams an input fills: `<prefix>_001` … `<prefix>_<count>`, three digits
 * as KDA names them (`InputParallelism.Count` is 1 to 64).
 *
 * @example
 * inAppStreamNames("SOURCE_SQL_STREAM", 2); // ["SOURCE_SQL_STREAM_001", "SOURCE_SQL_STREAM_002"]
 */
export function inAppStreamNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}_${String(i + 1).padStart(3, "0")}`);
}

const SHARD_NUMBER = /^shardId-(\d+)$/;

/** FNV-1a, 32 bits: a stable hash of a split id that is not a Kinesis shard id. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Which in-application stream a source split's records go to when `InputParallelism.Count` is
 * above 1. KDA "splits shards evenly" without saying how; Eddy sends Kinesis shard
 * `shardId-<n>` to stream `n mod count` (0-based): a stream's first shards (numbered 0, 1, 2 …)
 * spread evenly, a shard keeps its stream for its whole life (so each stream's ROWTIME stays
 * ascending and its state stays where it is), and the children of a reshard, numbered on from
 * their parents, spread on in turn. Any other split id (a Firehose source, a test's split) is
 * placed by a stable hash of its text.
 *
 * @example
 * const names = inAppStreamNames("SOURCE_SQL_STREAM", 2);
 * inAppStreamOf("shardId-000000000003", names); // "SOURCE_SQL_STREAM_002"
 */
export function inAppStreamOf(splitId: string, streamNames: readonly string[]): string {
  if (streamNames.length === 0)
    throw new RangeError("inAppStreamOf: an input has at least one in-application stream");
  const shard = SHARD_NUMBER.exec(splitId);
  const n = shard === null ? fnv1a(splitId) : Number(shard[1]);
  return streamNames[n % streamNames.length]!;
}
