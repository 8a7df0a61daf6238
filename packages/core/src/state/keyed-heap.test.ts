import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { keyGroupOf } from "./key-group.ts";
import { KeyedHeap, type KeyGroupSnapshot } from "./keyed-heap.ts";

const identity = (state: number) => state;
const decode = (data: unknown) => data as number;

function contents(heap: KeyedHeap<string, number>): Record<string, number> {
  return Object.fromEntries([...heap.values()].map((e) => [e.key, e.state]));
}

/** Restores a fresh heap from chains: every snapshot so far, oldest first per group. */
function restored(history: KeyGroupSnapshot[][], keyGroups: number): KeyedHeap<string, number> {
  const heap = new KeyedHeap<string, number>(keyGroups);
  heap.restore(history.flat(), decode);
  return heap;
}

describe("keyGroupOf", () => {
  test("is stable and within range", () => {
    expect(keyGroupOf("EURUSD", 128)).toBe(keyGroupOf("EURUSD", 128));
    expect(keyGroupOf(42, 128)).toBe(keyGroupOf("42", 128));
    for (const key of ["", "a", "ü", 0, -1, 1.5]) {
      const g = keyGroupOf(key, 7);
      expect(g).toBeGreaterThanOrEqual(0);
      expect(g).toBeLessThan(7);
    }
  });

  test("spreads keys over the groups", () => {
    const counts = new Array<number>(128).fill(0);
    for (let i = 0; i < 128_000; i++) counts[keyGroupOf(`key-${i}`, 128)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });
});

describe("KeyedHeap", () => {
  test("an empty heap snapshots nothing", () => {
    const heap = new KeyedHeap<string, number>(8);
    expect(heap.snapshot(false, identity)).toEqual([]);
    expect(heap.snapshot(true, identity)).toHaveLength(8);
  });

  test("writes only changed keys as deltas, and deletions", () => {
    const heap = new KeyedHeap<string, number>(4);
    for (const key of ["a", "b", "c", "d", "e"]) heap.getOrCreate(key, () => 1);
    const first = heap.snapshot(false, identity);
    expect(first.flatMap((s) => s.entries.map(([k]) => k)).sort()).toEqual(["a", "b", "c", "d", "e"]);

    const b = heap.get("b")!;
    b.state = 7;
    heap.touch(b);
    heap.remove(heap.get("c")!);
    const second = heap.snapshot(false, identity);
    expect(second.flatMap((s) => s.entries)).toEqual([["b", 7]]);
    expect(second.flatMap((s) => s.deleted)).toEqual(["c"]);
    expect(second.every((s) => s.mode === "delta")).toBe(true);

    expect(contents(restored([first, second], 4))).toEqual({ a: 1, b: 7, d: 1, e: 1 });
    expect(heap.snapshot(false, identity)).toEqual([]);
  });

  test("a key removed and created again before a snapshot is restored with its new state", () => {
    const heap = new KeyedHeap<string, number>(2);
    heap.getOrCreate("k", () => 1);
    const first = heap.snapshot(false, identity);
    heap.remove(heap.get("k")!);
    heap.getOrCreate("k", () => 2);
    const second = heap.snapshot(false, identity);
    expect(contents(restored([first, second], 2))).toEqual({ k: 2 });
  });

  test("writes a group whole again after a run of deltas, which bounds the chain", () => {
    const heap = new KeyedHeap<string, number>(1);
    const entry = heap.getOrCreate("x", () => 0);
    const modes: string[] = [];
    for (let i = 0; i < 20; i++) {
      entry.state = i;
      heap.touch(entry);
      modes.push(...heap.snapshot(false, identity).map((s) => s.mode));
    }
    expect(modes.slice(0, 10)).toEqual([
      "delta",
      "delta",
      "delta",
      "delta",
      "delta",
      "delta",
      "delta",
      "delta",
      "full",
      "delta",
    ]);
  });

  test("restored state equals live state after any sequence of changes and snapshots", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), key: fc.string({ maxLength: 2 }), value: fc.integer() }),
      fc.record({ kind: fc.constant("remove" as const), key: fc.string({ maxLength: 2 }) }),
      fc.record({ kind: fc.constant("snapshot" as const), full: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (ops, keyGroups) => {
        const heap = new KeyedHeap<string, number>(keyGroups);
        const chains = new Map<number, KeyGroupSnapshot[]>();
        const record = (snapshots: KeyGroupSnapshot[]) => {
          for (const s of snapshots)
            chains.set(s.group, s.mode === "full" ? [s] : [...(chains.get(s.group) ?? []), s]);
        };
        for (const o of ops) {
          if (o.kind === "set") {
            const entry = heap.getOrCreate(o.key, () => o.value);
            entry.state = o.value;
            heap.touch(entry);
          } else if (o.kind === "remove") {
            const entry = heap.get(o.key);
            if (entry) heap.remove(entry);
          } else {
            record(heap.snapshot(o.full, identity));
          }
        }
        record(heap.snapshot(false, identity));
        const copy = new KeyedHeap<string, number>(keyGroups);
        copy.restore([...chains.values()].flat(), decode);
        expect(contents(copy)).toEqual(contents(heap));
      }),
    );
  });
});

describe("KeyedHeap without checkpoints", () => {
  test("keeps its change tracking bounded and falls back to a full snapshot", () => {
    const heap = new KeyedHeap<string, number>(4);
    // Keys come and go, as window state does, and no snapshot is ever taken.
    for (let i = 0; i < 50_000; i++) {
      const entry = heap.getOrCreate(`k${i}`, () => i);
      heap.touch(entry);
      if (i % 10 !== 0) heap.remove(entry);
    }
    expect(heap.size).toBe(5_000);
    const snapshots = heap.snapshot(false, identity);
    expect(snapshots.every((s) => s.mode === "full")).toBe(true);
    expect(snapshots).toHaveLength(4);
    expect(Object.keys(contents(restored([snapshots], 4)))).toHaveLength(5_000);
    // After the full snapshot, tracking is incremental again.
    const entry = heap.get("k10")!;
    entry.state = -1;
    heap.touch(entry);
    expect(heap.snapshot(false, identity).flatMap((s) => s.entries)).toEqual([["k10", -1]]);
  });
});
