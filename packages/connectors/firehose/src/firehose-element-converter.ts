/** A record serialized for Firehose, or why it cannot be written. */
export type ConvertedRecord =
  | { readonly data: Uint8Array }
  | { readonly reason: "too-large" | "invalid"; readonly error: string };

const encoder = new TextEncoder();

/**
 * Turns a record into the bytes of one Firehose record (Flink's `ElementConverter`), refusing what
 * Firehose would refuse anyway: a record larger than `maxRecordSizeInBytes`, or one the serializer
 * throws on.
 */
export function convertRecord<T>(
  record: T,
  serialize: (record: T) => string | Uint8Array,
  maxRecordSizeInBytes: number,
): ConvertedRecord {
  let serialized: string | Uint8Array;
  try {
    serialized = serialize(record);
  } catch (error) {
    return {
      reason: "invalid",
      error: `it cannot be serialized: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const data = typeof serialized === "string" ? encoder.encode(serialized) : serialized;
  if (data.byteLength > maxRecordSizeInBytes) {
    return {
      reason: "too-large",
      error: `the record is ${data.byteLength} bytes, more than maxRecordSizeInBytes (${maxRecordSizeInBytes})`,
    };
  }
  return { data };
}
