import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { aggregate, deaggregate, hasAggregateMagic, type UserRecord } from "./kpl-aggregation.ts";

const encoder = new TextEncoder();
const record = (text: string, partitionKey: string, explicitHashKey?: string): UserRecord => ({
  data: encoder.encode(text),
  partitionKey,
  explicitHashKey,
});

/** Magic + `body` + the MD5 of `body`: a well-framed aggregate around arbitrary protobuf bytes. */
function framed(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length + 16);
  out.set([0xf3, 0x89, 0x9a, 0xc2]);
  out.set(body, 4);
  out.set(createHash("md5").update(body).digest(), 4 + body.length);
  return out;
}

const plain = (records: readonly UserRecord[]) =>
  records.map((r) => ({
    data: [...r.data],
    partitionKey: r.partitionKey,
    explicitHashKey: r.explicitHashKey,
  }));

describe("deaggregate", () => {
  test("returns the records of an aggregate in order, with their own keys", () => {
    const records = [record("a", "k1"), record("b", "k2", "12345"), record("c", "k1")];
    const result = deaggregate(aggregate(records));
    expect(result.kind).toBe("aggregate");
    if (result.kind !== "aggregate") return;
    expect(plain(result.records)).toEqual(plain(records));
  });

  test("aggregate and deaggregate are inverse for any records", () => {
    const userRecord = fc.record({
      data: fc.uint8Array({ maxLength: 64 }),
      partitionKey: fc.string({ minLength: 1, maxLength: 20 }),
      explicitHashKey: fc.option(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(String), {
        nil: undefined,
      }),
    });
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 20 }), (records) => {
        const result = deaggregate(aggregate(records));
        expect(result.kind).toBe("aggregate");
        if (result.kind === "aggregate") expect(plain(result.records)).toEqual(plain(records));
      }),
    );
  });

  test("a record without the magic bytes, or too short to hold a digest, is a single record", () => {
    expect(deaggregate(encoder.encode('{"a":1}'))).toEqual({ kind: "single" });
    expect(deaggregate(Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2, 1, 2, 3))).toEqual({ kind: "single" });
    expect(hasAggregateMagic(new Uint8Array(0))).toBe(false);
  });

  test("magic bytes with a digest that does not match: a single record (the KCL's rule)", () => {
    const bytes = aggregate([record("a", "k")]);
    bytes[bytes.length - 1]! ^= 1;
    expect(deaggregate(bytes)).toEqual({ kind: "single" });
  });

  test("a matching digest over bytes that do not parse: corrupt", () => {
    const result = deaggregate(framed(Uint8Array.of(0x1a, 0x05, 0x08)));
    expect(result.kind).toBe("corrupt");
  });

  test("a record pointing outside the key tables: corrupt, with the reason", () => {
    // partition_key_table = ["a"]; records = [{ partition_key_index: 5, data: "x" }]
    const body = Uint8Array.of(0x0a, 0x01, 0x61, 0x1a, 0x05, 0x08, 0x05, 0x1a, 0x01, 0x78);
    expect(deaggregate(framed(body))).toEqual({
      kind: "corrupt",
      error: "KPL aggregate record 0 points at partition key 5 of 1",
    });
    // same, pointing at explicit hash key 2 of none
    const withHash = Uint8Array.of(0x0a, 0x01, 0x61, 0x1a, 0x07, 0x08, 0x00, 0x10, 0x02, 0x1a, 0x01, 0x78);
    expect(deaggregate(framed(withHash))).toMatchObject({
      kind: "corrupt",
      error: /explicit hash key 2 of 0/,
    });
  });

  test("an aggregate with no records is an aggregate of nothing", () => {
    expect(deaggregate(framed(Uint8Array.of(0x0a, 0x01, 0x61)))).toEqual({ kind: "aggregate", records: [] });
  });
});

describe("compatibility with awslabs' aws-kinesis-agg (the KPL format's reference for Node)", () => {
  interface AwsUserRecord {
    partitionKey: string;
    explicitPartitionKey?: string;
    subSequenceNumber: number;
    data: string;
  }
  interface AwsAgg {
    deaggregateSync(
      record: { partitionKey: string; sequenceNumber: string; data: string },
      computeChecksums: boolean,
      done: (err: Error | null, records?: AwsUserRecord[]) => void,
    ): void;
    aggregate(
      records: { partitionKey: string; data: Buffer; explicitHashKey?: string }[],
      onRecord: (encoded: { partitionKey: string; data: Buffer }, callback: () => void) => void,
      afterAll: () => void,
      onError: (error: Error) => void,
    ): void;
  }
  const agg = createRequire(import.meta.url)("aws-kinesis-agg") as AwsAgg;

  test("it reads what aggregate writes", () => {
    // (It reads an absent explicit hash key index as 0, so records here either all have one or none.)
    const records = [record("first", "k1", "42"), record("second", "k2", "43"), record("third", "k1", "42")];
    let out: AwsUserRecord[] | undefined;
    agg.deaggregateSync(
      { partitionKey: "k1", sequenceNumber: "1", data: Buffer.from(aggregate(records)).toString("base64") },
      true,
      (err, userRecords) => {
        if (err) throw err;
        out = userRecords;
      },
    );
    expect(
      out?.map((r) => [
        r.partitionKey,
        r.explicitPartitionKey,
        r.subSequenceNumber,
        Buffer.from(r.data, "base64").toString(),
      ]),
    ).toEqual([
      ["k1", "42", 0, "first"],
      ["k2", "43", 1, "second"],
      ["k1", "42", 2, "third"],
    ]);
  });

  test("deaggregate reads what it writes", async () => {
    const input = Array.from({ length: 20 }, (_, i) => ({
      partitionKey: `k${i % 3}`,
      data: Buffer.from(`record ${i}`),
    }));
    const encoded: Uint8Array[] = [];
    await new Promise<void>((resolve, reject) =>
      agg.aggregate(
        input,
        (e, callback) => {
          encoded.push(e.data);
          callback();
        },
        resolve,
        reject,
      ),
    );
    const decoded = encoded.flatMap((bytes) => {
      const result = deaggregate(bytes);
      if (result.kind !== "aggregate") throw new Error(`not an aggregate: ${result.kind}`);
      return result.records.map((r) => [r.partitionKey, Buffer.from(r.data).toString()]);
    });
    expect(decoded).toEqual(input.map((r) => [r.partitionKey, r.data.toString()]));
  });
});
