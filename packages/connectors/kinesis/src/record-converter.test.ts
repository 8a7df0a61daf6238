import { OutputTag, type SourceBatch } from "@eddy/core";
import { describe, expect, test } from "vitest";
import type { KinesisDeadLetter } from "./dead-letter.ts";
import { json } from "./decoders.ts";
import type { KinesisRecord } from "./kinesis-client.ts";
import { aggregate } from "./kpl-aggregation.ts";
import { RecordConverter } from "./record-converter.ts";
import { startAfter } from "./shard-position.ts";

const encoder = new TextEncoder();
const tag = new OutputTag<KinesisDeadLetter>("dead");
const rec = (seq: string, data: Uint8Array | string, arrivalTime = 1_000): KinesisRecord => ({
  data: typeof data === "string" ? encoder.encode(data) : data,
  partitionKey: "p",
  sequenceNumber: seq,
  explicitHashKey: undefined,
  arrivalTime,
});
const agg = (...values: unknown[]) =>
  aggregate(
    values.map((v, i) => ({
      data: encoder.encode(typeof v === "string" ? v : JSON.stringify(v)),
      partitionKey: `k${i}`,
    })),
  );

function convert(records: KinesisRecord[], skip?: { sequenceNumber: string; upToSubSequence: number }) {
  const converter = new RecordConverter("s", "shard-1", json<unknown>(), tag, skip);
  const out: SourceBatch<unknown>[] = [];
  const consumed = converter.convert(records, out);
  return { out, consumed, counts: converter.counts };
}

describe("RecordConverter", () => {
  test("nothing in, nothing out", () => {
    expect(convert([])).toMatchObject({ out: [], consumed: undefined });
  });

  test("plain records: one batch, arrival times, position after the last record", () => {
    const { out, consumed } = convert([rec("1", "1", 10), rec("2", "2", 20)]);
    expect(out).toEqual([
      {
        kind: "data",
        split: "shard-1",
        tag: undefined,
        values: [1, 2],
        timestamps: [10, 20],
        position: { kind: "sequence", sequenceNumber: "2", subSequenceNumber: 0, complete: true },
      },
    ]);
    expect(consumed).toEqual(out[0]!.position);
  });

  test("decode failures split the records into ordered runs, each positioned at its last record", () => {
    const { out, counts } = convert([
      rec("1", "1"),
      rec("2", "oops"),
      rec("3", agg(3, "bad", 5)),
      rec("4", "6"),
    ]);
    expect(out.map((b) => [b.tag?.id ?? "main", b.values.length, b.position])).toEqual([
      ["main", 1, { kind: "sequence", sequenceNumber: "1", subSequenceNumber: 0, complete: true }],
      ["dead", 1, { kind: "sequence", sequenceNumber: "2", subSequenceNumber: 0, complete: true }],
      ["main", 1, { kind: "sequence", sequenceNumber: "3", subSequenceNumber: 0, complete: false }],
      ["dead", 1, { kind: "sequence", sequenceNumber: "3", subSequenceNumber: 1, complete: false }],
      ["main", 2, { kind: "sequence", sequenceNumber: "4", subSequenceNumber: 0, complete: true }],
    ]);
    expect(out[4]!.values).toEqual([5, 6]);
    expect(out[3]!.values[0]).toMatchObject({
      shardId: "shard-1",
      sequenceNumber: "3",
      subSequenceNumber: 1,
      partitionKey: "k1",
      reason: "decode",
      error: expect.stringMatching(/SyntaxError/),
    });
    expect(counts).toEqual({ records: 4, deadLetters: 2 });
  });

  test("a restored incomplete position skips the sub-records it covered, once", () => {
    const start = startAfter({
      kind: "sequence",
      sequenceNumber: "7",
      subSequenceNumber: 1,
      complete: false,
    });
    expect(start.iterator).toEqual({ type: "AT_SEQUENCE_NUMBER", sequenceNumber: "7" });
    const { out } = convert([rec("7", agg(1, 2, 3, 4)), rec("8", agg(5, 6))], start.skip);
    expect(out.flatMap((b) => b.values)).toEqual([3, 4, 5, 6]);
  });

  test("a complete position resumes after its record", () => {
    expect(
      startAfter({ kind: "sequence", sequenceNumber: "7", subSequenceNumber: 3, complete: true }),
    ).toEqual({
      iterator: { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: "7" },
      skip: undefined,
    });
    expect(startAfter({ kind: "timestamp", timestamp: 5 }).iterator).toEqual({
      type: "AT_TIMESTAMP",
      timestamp: 5,
    });
  });

  test("records consumed without a value still move the position (an empty batch carries it)", () => {
    const skip = { sequenceNumber: "7", upToSubSequence: 1 };
    const { out } = convert([rec("7", agg(1, 2))], skip);
    expect(out).toEqual([
      {
        kind: "data",
        split: "shard-1",
        values: [],
        position: { kind: "sequence", sequenceNumber: "7", subSequenceNumber: 1, complete: true },
      },
    ]);
    const empty = convert([rec("9", aggregate([]))]);
    expect(empty.out).toEqual([
      {
        kind: "data",
        split: "shard-1",
        values: [],
        position: { kind: "sequence", sequenceNumber: "9", subSequenceNumber: 0, complete: true },
      },
    ]);
  });

  test("a corrupt aggregate is one dead letter with the whole record", () => {
    const { createHash } = require("node:crypto") as typeof import("node:crypto");
    const body = Uint8Array.of(0x1a, 0x05, 0x08);
    const bytes = new Uint8Array([
      0xf3,
      0x89,
      0x9a,
      0xc2,
      ...body,
      ...createHash("md5").update(body).digest(),
    ]);
    const { out } = convert([rec("1", bytes), rec("2", "2")]);
    expect(out.map((b) => b.tag?.id ?? "main")).toEqual(["dead", "main"]);
    expect(out[0]!.values[0]).toMatchObject({
      reason: "corrupt-aggregate",
      subSequenceNumber: undefined,
      data: bytes,
    });
  });

  test("the decoder sees the record's metadata", () => {
    const seen: unknown[] = [];
    const converter = new RecordConverter(
      "s",
      "shard-1",
      (data, meta) => seen.push({ ...meta, text: new TextDecoder().decode(data) }),
      tag,
      undefined,
    );
    converter.convert([rec("5", agg("a", "b"), 99), rec("6", "c", 100)], []);
    expect(seen).toEqual([
      {
        shardId: "shard-1",
        partitionKey: "k0",
        sequenceNumber: "5",
        subSequenceNumber: 0,
        explicitHashKey: undefined,
        arrivalTime: 99,
        text: "a",
      },
      {
        shardId: "shard-1",
        partitionKey: "k1",
        sequenceNumber: "5",
        subSequenceNumber: 1,
        explicitHashKey: undefined,
        arrivalTime: 99,
        text: "b",
      },
      {
        shardId: "shard-1",
        partitionKey: "p",
        sequenceNumber: "6",
        subSequenceNumber: undefined,
        explicitHashKey: undefined,
        arrivalTime: 100,
        text: "c",
      },
    ]);
  });
});
