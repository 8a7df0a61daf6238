import { type Decoder, type KinesisDeadLetter, kinesisSource } from "@eddy/connector-kinesis";
import { generatorSource, type OutputTag, type Source } from "@eddy/core";
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
 * The runtime's source: the built-in generator, or Kinesis. Both give the same records for the
 * same input, so the job does not know which it reads.
 */
export function recordSource<T>(runtime: Runtime, options: RecordSourceOptions<T>): RecordSource<T> {
  if (runtime.source === "generator") {
    const { count, ratePerSecond } = options;
    return {
      source: generatorSource({ name: options.name, generate: options.generate, count, ratePerSecond }),
      deadLetters: undefined,
      description: `generator${ratePerSecond ? `, ${ratePerSecond} records/s` : ", as fast as possible"}${count === undefined ? "" : `, ${count} records`}`,
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
