/**
 * One record of the application's streaming source, as the input layer needs it: its bytes, its
 * arrival time at the source (Kinesis `ApproximateArrivalTimestamp`, which becomes ROWTIME and
 * APPROXIMATE_ARRIVAL_TIME), and for a Kinesis source where it was read (what a Lambda
 * preprocessor is told in `kinesisStreamRecordMetadata`).
 *
 * @example
 * const record: InputRecord = {
 *   data: new TextEncoder().encode('{"ticker":"AMZN"}'),
 *   arrivalTime: Date.UTC(2024, 0, 1),
 *   shardId: "shardId-000000000000",
 *   partitionKey: "AMZN",
 *   sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
 * };
 */
export interface InputRecord {
  /** The record's payload. */
  readonly data: Uint8Array;
  /** Epoch ms. */
  readonly arrivalTime: number;
  /** The shard it was read from (Kinesis sources only). */
  readonly shardId?: string;
  /** Its partition key (Kinesis sources only). */
  readonly partitionKey?: string;
  /** Its sequence number (Kinesis sources only): the preprocessor's record id. */
  readonly sequenceNumber?: string;
}
