import { type Decoder, type KinesisDeadLetter, kinesisSource } from "@eddy/connector-kinesis";
import { generatorSource, type Key, type OutputTag, type Source } from "@eddy/core";
import type { Runtime } from "./runtime.ts";

/** Options of {@link recordSource}: how to generate records, and where to read them from Kinesis. */
export interface RecordSourceOptions<T> {
  /** Names the source in checkpoints; keep it stable. */
  readonly name: string;
  /** Generator mode: record `index`, a pure function of it (a restored job regenerates the same records). */
  readonly generate: (index: number) => T;
  /** Generator mode: records per second of processing time (`undefined`: as fast as the job takes them). */
  readonly ratePerSecond: number | undefined;
  /** Generator mode: how many records (`undefined`: forever). */
  readonly count: number | undefined;
  /** Kinesis mode: the stream. */
  readonly stream: string;
  /** Kinesis mode: bytes → record; a throw makes the record a dead letter. */
  readonly decode: Decoder<T>;
  /**
   * The key the job's keyed operators key by — the same function — so that on several workers
   * each key's records come from one split and its state follows the split's lease. Without it,
   * a job with keyed operators cannot run on several workers.
   */
  readonly partitionKey?: (record: T) => Key;
}

/** A source and, for Kinesis, the side output of records it could not decode. */
export interface RecordSource<T> {
  readonly source: Source<T>;
  readonly deadLetters: OutputTag<KinesisDeadLetter> | undefined;
  /** Said on startup, e.g. `generator, 240 records/s`. */
  readonly description: string;
}

/**
 * Kinesis settings the apps share. A stream read for the first time is read from its oldest
 * record, so ticks or lines written before the app started are not skipped; a shard that is
 * caught up and quiet for this long stops holding back the watermark (a stream with more shards
 * than partition keys would otherwise never close a window).
 */
export const APP_KINESIS_DEFAULTS = { initialPosition: "TRIM_HORIZON", shardIdleTimeoutMs: 10_000 } as const;

/**
 * Splits of the generator when the job runs on several workers: the most workers that can share
 * it. It divides the default 128 key groups, as a partitioned generator needs.
 */
export const GENERATOR_SPLITS = 8;

/**
 * The runtime's source: the built-in generator, or Kinesis. Both give the same records for the
 * same input, so the job does not know which it reads.
 */
export function recordSource<T>(runtime: Runtime, options: RecordSourceOptions<T>): RecordSource<T> {
  if (runtime.source === "generator") {
    const { count, ratePerSecond, partitionKey } = options;
    // On several workers the generator is split (by the job's key, when it has one) for them to share.
    const split = runtime.cluster
      ? { partitions: GENERATOR_SPLITS, ...(partitionKey ? { partitionKey } : {}) }
      : {};
    return {
      source: generatorSource({
        name: options.name,
        generate: options.generate,
        count,
        ratePerSecond,
        ...split,
      }),
      deadLetters: undefined,
      description: `generator${ratePerSecond ? `, ${ratePerSecond} records/s` : ", as fast as possible"}${count === undefined ? "" : `, ${count} records`}${runtime.cluster || runtime.supervisor ? `, in ${GENERATOR_SPLITS} splits` : ""}`,
    };
  }
  const source = kinesisSource({
    stream: options.stream,
    decode: options.decode,
    ...(runtime.connections ? { client: runtime.connections.kinesis } : {}),
    ...APP_KINESIS_DEFAULTS,
  });
  return { source, deadLetters: source.deadLetters, description: `kinesis stream ${options.stream}` };
}
