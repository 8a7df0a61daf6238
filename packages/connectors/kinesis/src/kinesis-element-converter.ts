import type { PutEntry } from "./kinesis-client.ts";

/**
 * One entry of a PutRecords call as the sink buffers it: a user record, or a KPL aggregate of
 * `records` user records of one partition key.
 */
export interface KinesisEntry extends PutEntry {
  /** User records in it: 1, or more for a KPL aggregate. */
  readonly records: number;
  /** Bytes Kinesis counts against its limits: data and partition key. */
  readonly size: number;
}

/** Why a record cannot be written. */
export interface Unwritable {
  readonly reason: "too-large" | "invalid";
  readonly error: string;
  readonly partitionKey?: string;
}

/** A record turned into an entry (one object per record: this is the sink's hot path), or why it cannot be written. */
export type Converted = KinesisEntry | Unwritable;

/** How records become entries: the user's functions and the record size limit. */
export interface ConverterSettings<T> {
  readonly stream: string;
  readonly partitionKey: (value: T) => string;
  readonly explicitHashKey: ((value: T) => string | undefined) | undefined;
  readonly serialize: (value: T) => Uint8Array | string;
  readonly maxRecordSizeInBytes: number;
}

const encoder = new TextEncoder();
const EXPLICIT_HASH_KEY = /^\d{1,39}$/;

/** Bytes Kinesis counts for a record: the data and the partition key (UTF-8). */
export function entrySize(data: Uint8Array, partitionKey: string): number {
  return data.length + Buffer.byteLength(partitionKey, "utf8");
}

/**
 * Turns a value into a PutRecords entry (Flink's `ElementConverter`), checking what Kinesis would
 * refuse anyway, so that such a record is set aside alone instead of failing a whole request:
 * a record larger than `maxRecordSizeInBytes`, a partition key outside 1–256 characters, an
 * explicit hash key that is not a decimal number, or a serializer or key function that throws.
 */
export function convertRecord<T>(value: T, settings: ConverterSettings<T>): Converted {
  let partitionKey: string | undefined;
  try {
    partitionKey = settings.partitionKey(value);
    if (typeof partitionKey !== "string" || partitionKey.length === 0 || partitionKey.length > 256) {
      return {
        reason: "invalid",
        error: `its partition key ${JSON.stringify(partitionKey)} is not 1 to 256 characters`,
      };
    }
    const explicitHashKey = settings.explicitHashKey?.(value);
    if (explicitHashKey !== undefined && !EXPLICIT_HASH_KEY.test(explicitHashKey)) {
      return {
        reason: "invalid",
        error: `its explicit hash key ${JSON.stringify(explicitHashKey)} is not a decimal 128-bit number`,
        partitionKey,
      };
    }
    const serialized = settings.serialize(value);
    const data = typeof serialized === "string" ? encoder.encode(serialized) : serialized;
    const size = entrySize(data, partitionKey);
    if (size > settings.maxRecordSizeInBytes) {
      return {
        reason: "too-large",
        error:
          `the record with partition key "${partitionKey}" is ${size} bytes (data and partition key), ` +
          `more than maxRecordSizeInBytes (${settings.maxRecordSizeInBytes}); Kinesis would refuse it`,
        partitionKey,
      };
    }
    return { data, partitionKey, explicitHashKey, records: 1, size };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      reason: "invalid",
      error: `it cannot be turned into a Kinesis record: ${message}`,
      ...(partitionKey === undefined ? {} : { partitionKey }),
    };
  }
}
