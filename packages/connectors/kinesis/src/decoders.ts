/**
 * What a decoder learns about the record it decodes. One object is reused for every record of a
 * shard (no allocation per record): read it during the call, do not keep it.
 *
 * @example
 * const withShard: Decoder<{ shard: string; text: string }> = (data, record: RecordMetadata) => ({
 *   shard: record.shardId,
 *   text: new TextDecoder().decode(data),
 * });
 */
export interface RecordMetadata {
  /** The shard the record was read from. */
  shardId: string;
  /** The record's partition key. */
  partitionKey: string;
  /** The Kinesis record's sequence number (shared by the user records of one KPL aggregate). */
  sequenceNumber: string;
  /** Index within a KPL aggregate; `undefined` for a record that is not aggregated. */
  subSequenceNumber: number | undefined;
  /** The explicit hash key the producer set, if any. */
  explicitHashKey: string | undefined;
  /** `ApproximateArrivalTimestamp`, epoch ms. */
  arrivalTime: number;
}

/**
 * Turns a user record's bytes into a value. A decoder that throws sends the record to the
 * source's dead-letter output (with the error); the job goes on.
 *
 * @example
 * const decodeTick: Decoder<Tick> = (data) => {
 *   const [symbol, price, timestamp] = new TextDecoder().decode(data).split(",");
 *   if (!symbol || !price || !timestamp) throw new Error("expected symbol,price,timestamp");
 *   return { symbol, price: Number(price), timestamp: Number(timestamp) };
 * };
 * kinesisSource({ stream: "fx-ticks-csv", decode: decodeTick });
 */
export type Decoder<T> = (data: Uint8Array, record: RecordMetadata) => T;

const utf8Decoder = new TextDecoder("utf-8");

/**
 * Decodes UTF-8 JSON. Invalid JSON throws (the record becomes a dead letter). The type parameter is
 * an assertion, not a check: validate in a later `map` or a custom decoder if producers can't be trusted.
 *
 * @example
 * kinesisSource({ stream: "fx-ticks", decode: json<Tick>() });
 */
export function json<T = unknown>(): Decoder<T> {
  return (data) => JSON.parse(utf8Decoder.decode(data)) as T;
}

/**
 * Decodes UTF-8 text; invalid sequences become U+FFFD rather than failing.
 *
 * @example
 * kinesisSource({ stream: "log-lines", decode: utf8() })
 */
export function utf8(): Decoder<string> {
  return (data) => utf8Decoder.decode(data);
}

/**
 * Keeps the bytes as they are (a view of the response buffer: copy it to keep it beyond the job's
 * next checkpoint… or simply never mutate it).
 *
 * @example
 * kinesisSource({ stream: "images", decode: raw() })
 */
export function raw(): Decoder<Uint8Array> {
  return (data) => data;
}
