import { type Key, KeyedHeap, v8Serde } from "@eddy/core";
import fc from "fast-check";
import { Packr } from "msgpackr";
import { describe, expect, test } from "vitest";
import { msgpackSerde } from "./msgpack-serde.ts";

const roundTrip = (value: unknown) => msgpackSerde.deserialize(msgpackSerde.serialize(value));

describe("msgpackSerde", () => {
  test("round-trips window state the way v8Serde does", () => {
    const blob = {
      entries: [
        [
          "EURUSD",
          [
            {
              start: 1_700_000_000_000,
              end: 1_700_000_060_000,
              seq: 12,
              acc: { count: 3, sum: 3.3, min: 1.0999, max: 1.1001 },
              filled: true,
              pending: false,
              trigger: undefined,
              timers: [1_700_000_059_999, 12, 0],
            },
          ],
        ],
        [42, [{ start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY, acc: Number.NaN }]],
      ],
      deleted: ["GBPUSD", 7],
    };
    expect(roundTrip(blob)).toEqual(v8Serde.deserialize(v8Serde.serialize(blob)));
    expect(roundTrip(blob)).toEqual(blob);
  });

  test("round-trips window state in columns as typed arrays, bit for bit", () => {
    const columns = {
      cleared: [1_700_000_000_000],
      runs: [1_700_000_001_000, 1_700_000_002_000, 3],
      keys: ["EURUSD", 42, "GBPUSD"],
      seqs: Float64Array.from([3, 2 ** 40, 9]),
      flags: Uint8Array.from([3, 1, 0]),
      width: 4,
      // Odd lengths and offsets: the decoder must not assume the buffer is aligned.
      values: Float64Array.from([1, 1.0999, -0, Number.NaN, 2, 2.5, 1, 1.5, 0, 0, Infinity, -Infinity]),
      accs: [],
    };
    const blob = { entries: [], deleted: [], columns };
    const back = roundTrip(blob) as typeof blob;
    expect(back).toEqual(blob);
    expect(back.columns.values).toBeInstanceOf(Float64Array);
    expect(back.columns.seqs).toBeInstanceOf(Float64Array);
    expect(back.columns.flags).toBeInstanceOf(Uint8Array);
    expect(Object.is(back.columns.values[2], -0)).toBe(true);
  });

  test("keeps Maps, Sets, undefined, typed arrays and dates apart from plain objects", () => {
    const value = {
      byKey: new Map<Key, unknown>([
        ["a", { n: 1 }],
        [2, undefined],
      ]),
      seen: new Set(["x", "y"]),
      missing: undefined,
      samples: new Float64Array([1.5, -2]),
      at: new Date(1_700_000_000_000),
      nested: [[], {}, [undefined, null]],
      big: 12345678901234567890n,
      epochMicros: 1_700_000_000_123_456,
      maxSafe: Number.MAX_SAFE_INTEGER,
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(back.byKey).toBeInstanceOf(Map);
    expect(back.byKey.get(2)).toBeUndefined();
    expect(back.seen).toBeInstanceOf(Set);
    expect(back.samples).toBeInstanceOf(Float64Array);
    expect(Object.hasOwn(back, "missing")).toBe(true);
    // Large integers stay numbers (not bigints), bigints stay bigints.
    expect(typeof back.epochMicros).toBe("number");
    expect(typeof back.big).toBe("bigint");
  });

  test("round-trips any JSON-like value (property); -0 comes back as 0, as documented", () => {
    fc.assert(
      fc.property(fc.jsonValue().filter(withoutProtoKey), (value) => {
        // JSON text, because it writes -0 as 0: one difference the serde documents.
        expect(JSON.stringify(roundTrip(value))).toBe(JSON.stringify(value));
      }),
    );
    expect(Object.is(roundTrip(-0), 0)).toBe(true);
  });

  test("an object property named __proto__ comes back as __proto_, as documented; a Map key as it is", () => {
    const fromInput = JSON.parse('{"__proto__": 1, "page": 2}') as Record<string, number>;
    expect(roundTrip(fromInput)).toEqual({ __proto_: 1, page: 2 });
    const counts = new Map([["__proto__", 1]]);
    expect(roundTrip(counts)).toEqual(counts);
  });

  test("a blob stays intact while later blobs are written, and decodes on its own", () => {
    const values = Array.from({ length: 2_000 }, (_, i) => ({
      entries: [[`k${i}`, { count: i }]],
      deleted: [],
    }));
    const blobs = values.map((value) => msgpackSerde.serialize(value));
    // A decoder that never saw the earlier blobs: no record structure is shared between blobs.
    const fresh = new Packr({ useRecords: true, moreTypes: true });
    expect(fresh.unpack(blobs[1_999]!)).toEqual(values[1_999]);
    expect(blobs.map((bytes) => msgpackSerde.deserialize(bytes))).toEqual(values);
  });

  test("restores a KeyedHeap snapshot chain (full, then a delta)", () => {
    const heap = new KeyedHeap<string, { count: number; sum: number }>(4);
    for (let i = 0; i < 100; i++) {
      const entry = heap.getOrCreate(`key-${i % 10}`, () => ({ count: 0, sum: 0 }));
      entry.state.count++;
      entry.state.sum += i;
      heap.touch(entry);
    }
    const encode = (state: { count: number; sum: number }) => ({ ...state });
    const serialized = heap
      .snapshot(true, encode)
      .map((s) => ({ ...s, blob: msgpackSerde.serialize({ entries: s.entries, deleted: s.deleted }) }));
    const first = heap.get("key-1")!;
    first.state.count += 100;
    heap.touch(first);
    heap.remove(heap.get("key-2")!);
    serialized.push(
      ...heap
        .snapshot(false, encode)
        .map((s) => ({ ...s, blob: msgpackSerde.serialize({ entries: s.entries, deleted: s.deleted }) })),
    );

    const restored = new KeyedHeap<string, { count: number; sum: number }>(4);
    restored.restore(
      serialized.map(({ group, mode, blob }) => {
        const { entries, deleted } = msgpackSerde.deserialize(blob) as {
          entries: [Key, unknown][];
          deleted: Key[];
        };
        return { group, mode, entries, deleted };
      }),
      (data) => data as { count: number; sum: number },
    );
    expect(restored.size).toBe(9);
    expect(restored.get("key-1")!.state).toEqual({ count: 110, sum: 460 });
    expect(restored.get("key-2")).toBeUndefined();
    expect(restored.get("key-9")!.state).toEqual({ count: 10, sum: 540 });
  });
});

/** Whether no object in `value` has an own property named `__proto__` (see the test above). */
function withoutProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(withoutProtoKey);
  return !Object.hasOwn(value, "__proto__") && Object.values(value).every(withoutProtoKey);
}
