import { DEFAULT_KEY_GROUPS, type Key, keyGroupOf, PipelineDefinitionError } from "@eddy/core";

/** Kinesis hash keys are 128-bit: a shard owns an inclusive range of [0, 2^128 - 1]. */
const HASH_SPACE = 1n << 128n;

/** Per number of key groups, every group's point, as numbers and as the decimal text Kinesis takes. */
const pointsCache = new Map<
  number,
  { readonly values: readonly bigint[]; readonly texts: readonly string[] }
>();

function pointsOf(keyGroups: number, where: string) {
  if (!Number.isInteger(keyGroups) || keyGroups < 1) {
    throw new PipelineDefinitionError(`${where}: keyGroups must be a positive integer, got ${keyGroups}`);
  }
  let points = pointsCache.get(keyGroups);
  if (!points) {
    const groups = BigInt(keyGroups);
    const values = Array.from({ length: keyGroups }, (_, g) => {
      // Key group g's slice of the hash space is [g·2^128/G, (g+1)·2^128/G - 1]; its point is the middle.
      const first = (BigInt(g) * HASH_SPACE) / groups;
      const last = ((BigInt(g) + 1n) * HASH_SPACE) / groups - 1n;
      return (first + last) / 2n;
    });
    points = { values, texts: values.map(String) };
    pointsCache.set(keyGroups, points);
  }
  return points;
}

/**
 * The key group point of `keyGroup`: the middle of its slice of Kinesis's 128-bit hash space, as
 * the decimal text `ExplicitHashKey` takes. A record written with it lands in the one shard whose
 * hash range holds the point, in any shard map, so a Kinesis source declared with `partitionKey`
 * hands every record of a key group to the worker that owns the group's state.
 *
 * @example
 * keyGroupPoint(0, 128); // "1329227995784915872903807060280344575", the middle of the first 1/128 of the hash space
 * const producerHashKey = keyGroupPoint(keyGroupOf("EURUSD", DEFAULT_KEY_GROUPS));
 *
 * @throws PipelineDefinitionError when `keyGroups` is not a positive integer or `keyGroup` is not one of `0 .. keyGroups - 1`.
 */
export function keyGroupPoint(keyGroup: number, keyGroups: number = DEFAULT_KEY_GROUPS): string {
  const { texts } = pointsOf(keyGroups, "keyGroupPoint");
  const point = texts[keyGroup];
  if (point === undefined) {
    throw new PipelineDefinitionError(
      `keyGroupPoint: keyGroup must be an integer in 0..${keyGroups - 1}, got ${keyGroup}`,
    );
  }
  return point;
}

/**
 * An `explicitHashKey` function for {@link kinesisSink}: each record's hash key is the point of its
 * key's key group ({@link keyGroupPoint}), so a downstream Eddy job whose source declares
 * `partitionKey: keyOf` and that keys by `keyOf` is co-partitioned with the stream and can run on
 * several workers without moving records between them. `keyGroups` must be the reading job's
 * (`pipeline(name, { keyGroups })`, default 128). One table lookup per record after the key's hash.
 *
 * @example
 * const bySymbol = (t: Tick) => t.symbol;
 * ticks.sink(kinesisSink({ stream: "fx-ticks", partitionKey: bySymbol, explicitHashKey: keyGroupHashKey(bySymbol) }));
 * // …and in the reading job:
 * job.source(kinesisSource({ stream: "fx-ticks", decode: json<Tick>(), partitionKey: bySymbol })).keyBy(bySymbol);
 *
 * @throws PipelineDefinitionError when `keyGroups` is not a positive integer.
 */
export function keyGroupHashKey<T>(
  keyOf: (value: T) => Key,
  keyGroups: number = DEFAULT_KEY_GROUPS,
): (value: T) => string {
  const { texts } = pointsOf(keyGroups, "keyGroupHashKey");
  return (value) => texts[keyGroupOf(keyOf(value), keyGroups)]!;
}

/**
 * The key groups whose points fall in a shard's hash range (inclusive, decimal texts as
 * `ListShards` gives them), ascending. Every point lies in exactly one shard of a shard map that
 * covers the hash space, so the open shards of a stream share the key groups out between them.
 */
export function keyGroupsInRange(
  startingHashKey: string,
  endingHashKey: string,
  keyGroups: number,
): number[] {
  const { values } = pointsOf(keyGroups, "keyGroupsInRange");
  const first = BigInt(startingHashKey);
  const last = BigInt(endingHashKey);
  const groups: number[] = [];
  for (let g = 0; g < values.length; g++) {
    const point = values[g]!;
    if (point >= first && point <= last) groups.push(g);
  }
  return groups;
}
