import type { SplittableSource } from "../runtime/source.ts";

/**
 * One message of a repartition stream as a {@link RepartitionChannel} writes it: the encoded
 * envelope, and the key group whose point it goes to (`undefined`: a marker, written to every
 * open shard).
 *
 * @example
 * const message: RepartitionMessage = { data: new Uint8Array([1, 2, 3]), keyGroup: 17 };
 */
export interface RepartitionMessage {
  /** The encoded envelope. */
  readonly data: Uint8Array;
  /** The key group of the record's key; `undefined` for a marker. */
  readonly keyGroup: number | undefined;
}

/**
 * Writes one repartition stream. A call resolves once every message it was given is stored (failed
 * entries retried), so what a later call writes follows it in every shard.
 *
 * @example
 * // A record to the shard holding key group 3's point; then, once it is stored, a marker to every
 * // open shard.
 * await writer.write([{ data, keyGroup: 3 }]);
 * await writer.write([{ data: marker, keyGroup: undefined }]);
 * declare const writer: RepartitionStreamWriter;
 * declare const data: Uint8Array;
 * declare const marker: Uint8Array;
 */
export interface RepartitionStreamWriter {
  /**
   * Stores each record at its key group's point and each marker (`keyGroup` undefined) once in
   * every open shard, in as few calls as the log allows. In every shard the markers are stored in
   * their order; records may be stored in any order, also ahead of a marker of the same call (a
   * failed entry is put again after the others): a marker goes in a call after the records it
   * speaks about. A message may be stored twice (the readers drop duplicate records; a marker
   * read twice says nothing new).
   */
  write(messages: readonly RepartitionMessage[]): Promise<void>;
  /** Releases the writer's client. */
  close(): Promise<void> | void;
}

/**
 * Where a job run on several workers sends records between stages (see `docs/repartition.md`):
 * an intermediate partitioned log — a Kinesis stream with `kinesisRepartition` of
 * `@eddy/connector-kinesis` — written at key group points and read back through leases like any
 * source. Core never depends on the log's connector; this is the seam.
 *
 * @example
 * const cluster: ClusterOptions = {
 *   leases,
 *   workerId: "worker-a",
 *   repartition: { channel, stageLeases: (stage) => stageTable(stage) },
 * };
 * declare const leases: LeaseStore;
 * declare const channel: RepartitionChannel;
 * declare function stageTable(stage: number): LeaseStore;
 */
export interface RepartitionChannel {
  /** Names the channel in messages (e.g. `kinesis`). */
  readonly description: string;
  /**
   * Makes sure the stream exists, creating it when the channel may; otherwise rejects with one
   * error naming the stream to create.
   */
  prepare(stream: string, signal: AbortSignal): Promise<void>;
  /** A writer of the stream (one per running pipeline of a worker), for a job of `keyGroups` key groups. */
  writer(stream: string, keyGroups: number): RepartitionStreamWriter;
  /**
   * The stream as a splittable source of raw messages: one split per shard, each carrying the key
   * groups whose points fall in its range, read from the start of the stream when no position
   * was published.
   */
  reader(stream: string): SplittableSource<Uint8Array>;
}

/**
 * The repartition stream of keyed operator `operatorId` of job `job`: `<job>-<operator>-repartition`,
 * with every character Kinesis does not allow in a stream name (`[A-Za-z0-9_.-]`) replaced by `-`,
 * and a hash suffix when it would exceed 128 characters.
 *
 * @example
 * repartitionStreamName("clicks", "per-page"); // "clicks-per-page-repartition"
 */
export function repartitionStreamName(job: string, operatorId: string): string {
  const name = `${job}-${operatorId}-repartition`.replace(/[^A-Za-z0-9_.-]/g, "-");
  if (name.length <= 128) return name;
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return `${name.slice(0, 119)}-${hash.toString(16).padStart(8, "0")}`;
}
