/**
 * A record the source could not turn into a value: it goes to the source's dead-letter output
 * (`stream.getSideOutput(source.deadLetters)`) with enough to find it again in the stream, and the
 * job goes on. Its event time is the record's arrival time.
 */
export interface KinesisDeadLetter {
  readonly stream: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Index within a KPL aggregate; `undefined` for a plain record or a whole corrupt aggregate. */
  readonly subSequenceNumber: number | undefined;
  readonly partitionKey: string;
  /** `ApproximateArrivalTimestamp`, epoch ms. */
  readonly arrivalTime: number;
  /** The bytes that failed (the user record, or the whole Kinesis record for a corrupt aggregate). */
  readonly data: Uint8Array;
  /** `decode`: the decoder threw; `corrupt-aggregate`: a KPL aggregate with a valid digest that does not parse. */
  readonly reason: "decode" | "corrupt-aggregate";
  readonly error: string;
}
