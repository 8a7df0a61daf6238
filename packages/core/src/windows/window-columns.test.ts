import { describe, expect, test } from "vitest";
import { stats } from "../aggregates/stats.ts";
import { deserializeSnapshot, serializeSnapshot } from "../runtime/stage-runtime.ts";
import type { Key } from "../state/key-group.ts";
import type { KeyGroupSnapshot } from "../state/keyed-heap.ts";
import { v8Serde } from "../state/serde.ts";
import {
  decodeKeys,
  encodeKeys,
  FILLED,
  keyedWindowState,
  PENDING,
  type WindowColumns,
} from "./window-columns.ts";
import { type EncodedSlot, EVENT } from "./window-slots.ts";
import { decodeWindowGroup, encodeWindowGroup, type WindowGroupSnapshot } from "./window-snapshot.ts";

interface Row {
  readonly key: Key;
  readonly start: number;
  readonly seq: number;
  readonly acc?: number[];
}

/** A group's windows in columns: rows given run by run (rows of one start together), count accumulators. */
function columns(rows: readonly Row[], cleared: number[] = []): WindowColumns {
  const runs: number[] = [];
  for (const row of rows) {
    if (runs.length > 0 && runs[runs.length - 3] === row.start) runs[runs.length - 1]!++;
    else runs.push(row.start, row.start + 10, 1);
  }
  return {
    cleared,
    runs,
    ...encodeKeys(rows.map((r) => r.key)),
    seqs: Float64Array.from(rows.map((r) => r.seq)),
    flags: Uint8Array.from(rows.map((r) => (r.acc === undefined ? 0 : FILLED | PENDING))),
    width: 4,
    values: Float64Array.from(rows.flatMap((r) => r.acc ?? [0, 0, 0, 0])),
    accs: [],
  };
}

const snapshot = (mode: "full" | "delta", columns: WindowColumns, group = 0): WindowGroupSnapshot => ({
  group,
  mode,
  entries: [],
  deleted: [],
  columns,
});

const stat = (n: number) => [n, n, n, n];
const columnar = stats((x: number) => x).columnar;

/** Key → its windows' starts (in creation order), from a chain. */
function startsByKey(chain: WindowGroupSnapshot[]): Record<string, number[]> {
  const state = keyedWindowState(chain, { allowedLateness: 0, watermark: -1, columnar });
  const out: Record<string, number[]> = {};
  for (const group of state) {
    for (const [key, windows] of group.entries)
      out[String(key)] = (windows as EncodedSlot[]).map((w) => w.start);
  }
  return out;
}

describe("window state in columns", () => {
  test("a delta removes the buckets it clears for every key of its group, then replaces its rows' windows", () => {
    const full = columns([
      { key: "a", start: 0, seq: 0, acc: stat(1) },
      { key: "b", start: 0, seq: 2, acc: stat(1) },
      { key: "a", start: 10, seq: 4, acc: stat(1) },
      { key: "c", start: 10, seq: 6, acc: stat(1) },
    ]);
    // Window 0 is gone; a's window 10 changed; d is new; b is left without windows.
    const delta = columns(
      [
        { key: "a", start: 10, seq: 4, acc: stat(2) },
        { key: "d", start: 20, seq: 8, acc: stat(1) },
      ],
      [0],
    );
    const chain = [snapshot("full", full), snapshot("delta", delta)];
    expect(startsByKey(chain)).toEqual({ a: [10], c: [10], d: [20] });
    const [group] = keyedWindowState(chain, { allowedLateness: 0, watermark: -1, columnar });
    const a = new Map(group!.entries).get("a") as EncodedSlot[];
    expect(a[0]!.acc).toEqual({ count: 2, sum: 2, min: 2, max: 2 });
  });

  test("a later full snapshot replaces the group; other groups keep their chains", () => {
    const chain = [
      snapshot("full", columns([{ key: "a", start: 0, seq: 0, acc: stat(1) }])),
      snapshot("full", columns([{ key: "x", start: 0, seq: 0, acc: stat(1) }]), 1),
      snapshot("delta", columns([{ key: "b", start: 0, seq: 2, acc: stat(1) }])),
      snapshot("full", columns([{ key: "c", start: 10, seq: 4, acc: stat(1) }])),
    ];
    expect(startsByKey(chain)).toEqual({ c: [10], x: [0] });
  });

  test("chains mixing the keyed store's entries and columns replay as either store would", () => {
    const slot = (start: number, seq: number): EncodedSlot => ({
      start,
      end: start + 10,
      seq,
      acc: { count: 1, sum: 1, min: 1, max: 1 },
      filled: true,
      pending: true,
      trigger: undefined,
      timers: [start + 9, seq + 1, EVENT],
    });
    const generic: KeyGroupSnapshot = {
      group: 0,
      mode: "full",
      entries: [
        ["a", [slot(0, 0), slot(10, 4)]],
        ["b", [slot(0, 2)]],
      ],
      deleted: [],
    };
    // Columns on top of entries: window 0 cleared, b gets window 10.
    const fastDelta = snapshot("delta", columns([{ key: "b", start: 10, seq: 6, acc: stat(1) }], [0]));
    expect(startsByKey([generic, fastDelta])).toEqual({ a: [10], b: [10] });
    // Entries on top of columns: a's windows replaced by one, b deleted.
    const genericDelta: KeyGroupSnapshot = {
      group: 0,
      mode: "delta",
      entries: [["a", [slot(20, 8)]]],
      deleted: ["b"],
    };
    expect(startsByKey([generic, fastDelta, genericDelta])).toEqual({ a: [20] });
  });

  test("spells out the timers the keyed store holds, and no accumulator for a window without records", () => {
    const chain = [
      snapshot(
        "full",
        columns([
          { key: "fired", start: 0, seq: 0, acc: stat(1) },
          { key: "due", start: 10, seq: 3, acc: stat(1) },
          { key: "empty", start: 10, seq: 6 },
        ]),
      ),
    ];
    const [group] = keyedWindowState(chain, { allowedLateness: 5, watermark: 9, columnar });
    const windows = new Map(group!.entries) as Map<Key, EncodedSlot[]>;
    // Window [0, 10) has fired at 9: only its cleanup timer is left.
    expect(windows.get("fired")![0]!.timers).toEqual([14, 1, EVENT]);
    expect(windows.get("due")![0]!.timers).toEqual([24, 4, EVENT, 19, 5, EVENT]);
    expect(windows.get("empty")![0]).toEqual(
      expect.objectContaining({ acc: undefined, filled: false, pending: false }),
    );
    // Without lateness the firing is the cleanup: one timer.
    const [noLateness] = keyedWindowState(chain, { allowedLateness: 0, watermark: 9, columnar });
    expect((new Map(noLateness!.entries).get("due") as EncodedSlot[])[0]!.timers).toEqual([19, 4, EVENT]);
  });

  test("refuses accumulators laid out for another aggregate, naming the widths", () => {
    const chain = [snapshot("full", columns([{ key: "a", start: 0, seq: 0, acc: stat(1) }]))];
    const avgLike = { ...columnar!, width: 2 };
    expect(() => keyedWindowState(chain, { allowedLateness: 0, watermark: -1, columnar: avgLike })).toThrow(
      /accumulators of 4 numbers, which this aggregate lays out in 2/,
    );
    expect(() => keyedWindowState(chain, { allowedLateness: 0, watermark: -1, columnar: undefined })).toThrow(
      /has no columnar form/,
    );
  });

  test("keys travel as one string, numbers told apart from strings", () => {
    const keys: Key[] = ["EURUSD", 42, "", "ü😀", -1.5, "42", Number.NaN, "x"];
    const encoded = encodeKeys(keys);
    expect(encoded.keyText).toBe("EURUSD42ü😀-1.542NaNx");
    const decoded = decodeKeys({ ...columns([]), ...encoded });
    expect(decoded).toEqual(keys);
    expect(typeof decoded[1]).toBe("number");
    expect(typeof decoded[5]).toBe("string");
    // All strings: no per-row marks.
    expect(encodeKeys(["a", "b"]).numberKeys).toBeUndefined();
  });

  test("survive serialization as typed arrays, a few buffers per group", () => {
    const block = columns([
      { key: "a", start: 0, seq: 0, acc: [3, 1.5, -0, Number.NaN] },
      { key: 7, start: 0, seq: 2, acc: stat(Number.POSITIVE_INFINITY) },
    ]);
    const back = deserializeSnapshot(
      serializeSnapshot(
        { keyGroups: [encodeWindowGroup(snapshot("full", block, 5))], operator: { watermark: 3 } },
        v8Serde,
      ),
      v8Serde,
    );
    const group = decodeWindowGroup(back.keyGroups![0]!);
    expect(group).toEqual(expect.objectContaining({ group: 5, mode: "full", entries: [], deleted: [] }));
    const restored = group.columns!;
    expect(restored.values).toBeInstanceOf(Float64Array);
    expect(restored.seqs).toBeInstanceOf(Float64Array);
    expect(restored.flags).toBeInstanceOf(Uint8Array);
    expect(restored).toEqual(block);
    expect(Object.is(restored.values[2], -0)).toBe(true);
  });
});
