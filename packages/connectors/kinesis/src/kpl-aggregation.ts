import { createHash } from "node:crypto";
import protobuf from "protobufjs";

/**
 * The KPL aggregation format: magic bytes `F3 89 9A C2`, a protobuf `AggregatedRecord`, and the
 * MD5 digest of the protobuf bytes. One Kinesis record then carries many user records, each with
 * its own partition key; consumers address them as (sequence number, sub-sequence number = index).
 *
 * @example
 * const isAggregate = (data: Uint8Array) => KPL_MAGIC.every((byte, i) => data[i] === byte);
 */
export const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const DIGEST_BYTES = 16;

// The schema of the KPL's messages.proto, declared in code rather than loaded from a file. It is
// proto2: an optional field set to 0 (explicit hash key index 0) must be written, and read as present.
const root = protobuf.Root.fromJSON({
  nested: {
    AggregatedRecord: {
      edition: "proto2",
      fields: {
        partitionKeyTable: { rule: "repeated", type: "string", id: 1 },
        explicitHashKeyTable: { rule: "repeated", type: "string", id: 2 },
        records: { rule: "repeated", type: "Record", id: 3 },
      },
    },
    Tag: {
      edition: "proto2",
      fields: {
        key: { rule: "required", type: "string", id: 1 },
        value: { type: "string", id: 2 },
      },
    },
    Record: {
      edition: "proto2",
      fields: {
        partitionKeyIndex: { rule: "required", type: "uint64", id: 1 },
        explicitHashKeyIndex: { type: "uint64", id: 2 },
        data: { rule: "required", type: "bytes", id: 3 },
        tags: { rule: "repeated", type: "Tag", id: 4 },
      },
    },
  },
});
const AggregatedRecordType = root.lookupType("AggregatedRecord");

interface DecodedRecord {
  partitionKeyIndex: number | { toNumber(): number };
  explicitHashKeyIndex?: number | { toNumber(): number } | null;
  data: Uint8Array;
}
interface DecodedAggregate {
  partitionKeyTable: string[];
  explicitHashKeyTable: string[];
  records: DecodedRecord[];
}

/**
 * One user record inside (or outside) an aggregate.
 *
 * @example
 * const record: UserRecord = { data: new TextEncoder().encode('{"price":1.08}'), partitionKey: "EURUSD" };
 */
export interface UserRecord {
  /** The record's bytes. */
  readonly data: Uint8Array;
  /** Its partition key. */
  readonly partitionKey: string;
  /** Its explicit hash key, if the producer set one. */
  readonly explicitHashKey?: string | undefined;
}

/**
 * What a Kinesis record holds:
 * - `single`: not an aggregate (no magic bytes, too short, or the MD5 digest does not match — the
 *   KCL's rule, so a producer whose payload happens to start with the magic bytes loses nothing:
 *   the record passes through whole);
 * - `aggregate`: the user records, in sub-sequence order;
 * - `corrupt`: magic bytes and a matching digest, yet the protobuf does not decode (or points
 *   outside its key tables): the connector sends such a record to the dead-letter output.
 *
 * @example
 * const describe = (result: Deaggregated): string =>
 *   result.kind === "aggregate" ? `${result.records.length} user records` : result.kind === "corrupt" ? `corrupt: ${result.error}` : "a plain record";
 */
export type Deaggregated =
  | { readonly kind: "single" }
  | { readonly kind: "aggregate"; readonly records: UserRecord[] }
  | { readonly kind: "corrupt"; readonly error: string };

const SINGLE: Deaggregated = { kind: "single" };

/** Whether `data` starts with the KPL magic bytes and is long enough to hold a digest. */
export function hasAggregateMagic(data: Uint8Array): boolean {
  return (
    data.length >= KPL_MAGIC.length + DIGEST_BYTES &&
    data[0] === 0xf3 &&
    data[1] === 0x89 &&
    data[2] === 0x9a &&
    data[3] === 0xc2
  );
}

const toIndex = (v: number | { toNumber(): number }) => (typeof v === "number" ? v : v.toNumber());

/**
 * Splits a KPL aggregate into its user records; see {@link Deaggregated} for the cases.
 *
 * @example
 * const bytes = aggregate([
 *   { data: new TextEncoder().encode("a"), partitionKey: "k1" },
 *   { data: new TextEncoder().encode("b"), partitionKey: "k2" },
 * ]);
 * const result = deaggregate(bytes);
 * if (result.kind === "aggregate") console.log(result.records.map((r) => r.partitionKey)); // ["k1", "k2"]
 */
export function deaggregate(data: Uint8Array): Deaggregated {
  if (!hasAggregateMagic(data)) return SINGLE;
  const body = data.subarray(KPL_MAGIC.length, data.length - DIGEST_BYTES);
  const digest = createHash("md5").update(body).digest();
  const expected = data.subarray(data.length - DIGEST_BYTES);
  for (let i = 0; i < DIGEST_BYTES; i++) if (digest[i] !== expected[i]) return SINGLE;
  let message: DecodedAggregate;
  try {
    message = AggregatedRecordType.decode(body) as unknown as DecodedAggregate;
  } catch (error) {
    return { kind: "corrupt", error: `KPL aggregate does not decode: ${(error as Error).message}` };
  }
  const keys = message.partitionKeyTable;
  const hashKeys = message.explicitHashKeyTable;
  const records: UserRecord[] = new Array(message.records.length);
  for (let i = 0; i < message.records.length; i++) {
    const r = message.records[i]!;
    const keyIndex = toIndex(r.partitionKeyIndex);
    const partitionKey = keys[keyIndex];
    if (partitionKey === undefined) {
      return {
        kind: "corrupt",
        error: `KPL aggregate record ${i} points at partition key ${keyIndex} of ${keys.length}`,
      };
    }
    let explicitHashKey: string | undefined;
    // Absent optional fields read as protobufjs defaults (0) from the prototype: only own ones count.
    if (Object.hasOwn(r, "explicitHashKeyIndex") && r.explicitHashKeyIndex != null) {
      const hashIndex = toIndex(r.explicitHashKeyIndex);
      explicitHashKey = hashKeys[hashIndex];
      if (explicitHashKey === undefined) {
        return {
          kind: "corrupt",
          error: `KPL aggregate record ${i} points at explicit hash key ${hashIndex} of ${hashKeys.length}`,
        };
      }
    }
    records[i] = { data: r.data, partitionKey, explicitHashKey };
  }
  return { kind: "aggregate", records };
}

/**
 * Builds one KPL aggregate of `records` (at least one). The outer record should use the first
 * record's partition key, as the KPL does.
 *
 * @example
 * const records: UserRecord[] = ["EURUSD", "GBPUSD"].map((symbol) => ({
 *   data: new TextEncoder().encode(JSON.stringify({ symbol })),
 *   partitionKey: symbol,
 * }));
 * const oneKinesisRecord: Uint8Array = aggregate(records); // starts with KPL_MAGIC
 */
export function aggregate(records: readonly UserRecord[]): Uint8Array {
  const keyIndex = new Map<string, number>();
  const hashIndex = new Map<string, number>();
  const partitionKeyTable: string[] = [];
  const explicitHashKeyTable: string[] = [];
  const entries = records.map((r) => {
    let k = keyIndex.get(r.partitionKey);
    if (k === undefined) {
      k = partitionKeyTable.push(r.partitionKey) - 1;
      keyIndex.set(r.partitionKey, k);
    }
    let h: number | undefined;
    if (r.explicitHashKey !== undefined) {
      h = hashIndex.get(r.explicitHashKey);
      if (h === undefined) {
        h = explicitHashKeyTable.push(r.explicitHashKey) - 1;
        hashIndex.set(r.explicitHashKey, h);
      }
    }
    return h === undefined
      ? { partitionKeyIndex: k, data: r.data }
      : { partitionKeyIndex: k, explicitHashKeyIndex: h, data: r.data };
  });
  const body = AggregatedRecordType.encode(
    AggregatedRecordType.create({ partitionKeyTable, explicitHashKeyTable, records: entries }),
  ).finish();
  const out = new Uint8Array(KPL_MAGIC.length + body.length + DIGEST_BYTES);
  out.set(KPL_MAGIC, 0);
  out.set(body, KPL_MAGIC.length);
  out.set(createHash("md5").update(body).digest(), KPL_MAGIC.length + body.length);
  return out;
}

/**
 * An upper bound of the bytes one more record adds to an aggregate: its data and keys plus the
 * protobuf framing (tags and varint lengths), so a sink can close an aggregate before it
 * outgrows a Kinesis record.
 */
export function aggregatedRecordOverhead(record: UserRecord): number {
  const keyBytes = Buffer.byteLength(record.partitionKey) + (record.explicitHashKey?.length ?? 0);
  return record.data.length + keyBytes + 32;
}

/** Bytes an aggregate has before its first record: magic and digest. */
export const AGGREGATE_FIXED_BYTES = KPL_MAGIC.length + DIGEST_BYTES;
