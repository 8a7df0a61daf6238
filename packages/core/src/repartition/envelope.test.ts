import { describe, expect, test } from "vitest";
import { v8Serde } from "../state/serde.ts";
import { decodeEnvelope, type Envelope, encodeEnvelope } from "./envelope.ts";
import { NO_RUN } from "./writer-run.ts";

describe("repartition envelopes", () => {
  const envelopes: Envelope[] = [
    {
      kind: "record",
      split: "shardId-000000000001",
      id: 42,
      timestamp: 1_000,
      value: { page: "/a", n: [1, 2] },
    },
    { kind: "record", split: "p", id: 1, timestamp: Number.NaN, value: undefined },
    {
      kind: "watermark",
      splits: ["a", "b"],
      at: 5_000,
      runs: [
        [41, 3],
        [7, 3],
      ],
    },
    { kind: "idle", split: "a", run: [41, 3] },
    { kind: "active", split: "a", run: [42, 1] },
    {
      kind: "committed",
      ids: [
        ["a", 10],
        ["b", 3],
      ],
    },
    { kind: "end", split: "a", id: 99 },
  ];

  test.each(envelopes.map((e) => [e.kind, e] as const))("%s survives a round trip", (_kind, envelope) => {
    expect(decodeEnvelope(encodeEnvelope(envelope, v8Serde), v8Serde)).toEqual(envelope);
  });

  test("a record costs its value plus a few bytes", () => {
    const value = { page: "/products/42", user: "u-1234" };
    const record = encodeEnvelope(
      { kind: "record", split: "shardId-000000000001", id: 123_456, timestamp: 1.7e12, value },
      v8Serde,
    );
    expect(record.length - v8Serde.serialize(value).length).toBeLessThan(48);
  });

  test("markers of a writer from before they carried runs read as the oldest run", () => {
    expect(decodeEnvelope(v8Serde.serialize([1, ["a", "b"], 5_000]), v8Serde)).toEqual({
      kind: "watermark",
      splits: ["a", "b"],
      at: 5_000,
      runs: [NO_RUN, NO_RUN],
    });
    expect(decodeEnvelope(v8Serde.serialize([2, "a"]), v8Serde)).toEqual({
      kind: "idle",
      split: "a",
      run: NO_RUN,
    });
    expect(decodeEnvelope(v8Serde.serialize([3, "a"]), v8Serde)).toEqual({
      kind: "active",
      split: "a",
      run: NO_RUN,
    });
  });

  test("a marker whose runs do not fit its splits is refused", () => {
    expect(() => decodeEnvelope(v8Serde.serialize([1, ["a", "b"], 5_000, [[1, 1]]]), v8Serde)).toThrow(
      "not a repartition message (tag 1)",
    );
    expect(() => decodeEnvelope(v8Serde.serialize([2, "a", "run"]), v8Serde)).toThrow(
      "not a repartition message (tag 2)",
    );
  });

  test("bytes no writer wrote are refused with a clear error", () => {
    expect(() => decodeEnvelope(new TextEncoder().encode('{"page":"/"}'), v8Serde)).toThrow(
      /not a repartition message/,
    );
    expect(() => decodeEnvelope(v8Serde.serialize([9, "x"]), v8Serde)).toThrow(
      "not a repartition message (tag 9)",
    );
    expect(() => decodeEnvelope(v8Serde.serialize({ kind: "record" }), v8Serde)).toThrow("(not a tuple)");
    expect(() => decodeEnvelope(v8Serde.serialize([0, "split", "not an id", 1, {}]), v8Serde)).toThrow(
      "not a repartition message (tag 0)",
    );
  });
});
