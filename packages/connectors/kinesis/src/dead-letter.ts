/**
 * A record the source could not turn into a value: it goes to the source's dead-letter output
 * (`stream.getSideOutput(source.deadLetters)`) with enough to find it again in the stream, and the
 * job goes on. Its event time is the record's arrival time.
 *
 * @example
 * const source = kinesisSource({ stream: "clicks", decode: json<Click>() });
 * const stream = job.source(source);
 * const deadLetters: DataStream<KinesisDeadLetter> = stream.getSideOutput(source.deadLetters);
 * deadLetters.map((d) => `${d.shardId}/${d.sequenceNumber} (${d.reason}): ${d.error}`).sink(consoleSink());
 */
export interface KinesisDeadLetter {
  /** The stream read. */
  readonly stream: string;
  /** The shard the record came from. */
  readonly shardId: string;
  /** The Kinesis record's sequence number. */
  readonly sequenceNumber: string;
  /** Index within a KPL aggregate; `undefined` for a plain record or a whole corrupt aggregate. */
  readonly subSequenceNumber: number | undefined;
  /** The record's partition key. */
  readonly partitionKey: string;
  /** `ApproximateArrivalTimestamp`, epoch ms. */
  readonly arrivalTime: number;
  /** The bytes that failed (the user record, or the whole Kinesis record for a corrupt aggregate). */
  readonly data: Uint8Array;
  /**
   * `decode`: the decoder threw; `corrupt-aggregate`: a KPL aggregate with a valid digest that does
   * not parse; `not-co-partitioned`: on one of several workers, a record whose key is in a key group
   * its shard does not carry (it was not written at its key group's point, see `keyGroupHashKey`).
   */
  readonly reason: "decode" | "corrupt-aggregate" | "not-co-partitioned";
  /** The decoder's error message, or why the aggregate is corrupt. */
  readonly error: string;
}
