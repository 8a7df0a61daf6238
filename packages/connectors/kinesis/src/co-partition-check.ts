import { type Key, keyGroupOf } from "@eddy/core";
import type { Decoder } from "./decoders.ts";

/**
 * A record read from a shard whose key groups do not include its key's: its producer did not
 * write it at its key group's point (another number of key groups, or no explicit hash key), so
 * the worker reading the shard does not own the record's key state.
 */
export class NotCoPartitionedError extends Error {
  override readonly name = "NotCoPartitionedError";
}

/**
 * `decode`, followed by the check that the record's key falls in one of `carried` key groups, on
 * a worker that reads only some shards: a record that fails it goes to the source's dead letters
 * (reason `not-co-partitioned`) instead of updating state this worker does not own.
 */
export function coPartitionedDecoder<T>(
  decode: Decoder<T>,
  partitionKey: (value: T) => Key,
  keyGroups: number,
  carried: readonly number[],
): Decoder<T> {
  const owned = new Uint8Array(keyGroups);
  for (const group of carried) owned[group] = 1;
  return (data, record) => {
    const value = decode(data, record);
    const key = partitionKey(value);
    const group = keyGroupOf(key, keyGroups);
    if (owned[group] !== 1) {
      throw new NotCoPartitionedError(
        `key ${JSON.stringify(key)} is in key group ${group} of ${keyGroups}, which shard ${record.shardId} does not carry (explicit hash key ${record.explicitHashKey ?? "none"}): write the stream with explicitHashKey: keyGroupHashKey(partitionKey, ${keyGroups})`,
      );
    }
    return value;
  };
}
