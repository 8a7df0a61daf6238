import { describe, expect, test } from "vitest";
import { ShuffleDedupe } from "./shuffle-dedupe.ts";

describe("ShuffleDedupe", () => {
  test("applies each id of a split once per key group, in any order", () => {
    const dedupe = new ShuffleDedupe();
    expect([3, 1, 2, 1, 3].map((id) => dedupe.accept(7, "a", id))).toEqual([true, true, true, false, false]);
    // The same id of another split, or in another key group, is another record.
    expect(dedupe.accept(7, "b", 1)).toBe(true);
    expect(dedupe.accept(8, "a", 1)).toBe(true);
  });

  test("a committed marker raises the floor of its shard's key groups only and prunes their ids", () => {
    const dedupe = new ShuffleDedupe();
    for (const id of [1, 2, 3, 4]) dedupe.accept(7, "a", id);
    dedupe.accept(8, "a", 1);
    expect(dedupe.heldIds).toBe(5);
    dedupe.commit([7], "a", 3);
    expect(dedupe.heldIds).toBe(2); // 4 in group 7, 1 in group 8
    expect(dedupe.accept(7, "a", 2)).toBe(false); // below the floor: a replay
    expect(dedupe.accept(7, "a", 4)).toBe(false); // above it, applied
    expect(dedupe.accept(7, "a", 5)).toBe(true);
    // Group 8 is read from another shard: its records up to 3 may still come.
    expect(dedupe.accept(8, "a", 2)).toBe(true);
    // A lower marker read late changes nothing.
    dedupe.commit([7], "a", 1);
    expect(dedupe.accept(7, "a", 3)).toBe(false);
  });

  test("memory stays bounded by what lies between two markers", () => {
    const dedupe = new ShuffleDedupe();
    for (let id = 1; id <= 10_000; id++) {
      dedupe.accept(1, "a", id);
      if (id % 100 === 0) dedupe.commit([1], "a", id - 50);
    }
    expect(dedupe.heldIds).toBe(50);
  });

  test("snapshots hold the changed groups whole and restore onto a fresh reader", () => {
    const dedupe = new ShuffleDedupe();
    dedupe.accept(1, "a", 1);
    dedupe.accept(2, "a", 1);
    dedupe.commit([1], "a", 1);
    dedupe.accept(1, "a", 3);
    const first = dedupe.snapshot(false);
    expect(first.map((s) => s.group).sort()).toEqual([1, 2]);
    expect(dedupe.snapshot(false)).toEqual([]); // nothing changed since
    dedupe.accept(2, "b", 1);
    const second = dedupe.snapshot(false);
    expect(second.map((s) => s.group)).toEqual([2]);

    const restored = new ShuffleDedupe();
    restored.restore([...first, ...second]);
    expect(restored.accept(1, "a", 1)).toBe(false);
    expect(restored.accept(1, "a", 3)).toBe(false);
    expect(restored.accept(1, "a", 2)).toBe(true);
    expect(restored.accept(2, "b", 1)).toBe(false);
    expect(restored.accept(2, "a", 1)).toBe(false);
    expect(
      restored
        .snapshot(true)
        .map((s) => s.group)
        .sort(),
    ).toEqual([1, 2]);
  });

  test("state in another form is refused", () => {
    expect(() => new ShuffleDedupe().restore([{ group: 3, mode: "full", encoded: { version: 9 } }])).toThrow(
      "key group 3: its repartition state is not in a form this version reads",
    );
  });

  test("duplicated and reordered deliveries with markers apply every record exactly once", () => {
    // A writer's records 1..500 of two splits, each delivered up to three times, out of order
    // within windows of 20 (retried puts), with a committed marker after every 100 stored.
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const dedupe = new ShuffleDedupe();
    const applied: string[] = [];
    for (const split of ["a", "b"]) {
      for (let block = 0; block < 500; block += 20) {
        const ids = Array.from({ length: 20 }, (_, i) => block + i + 1);
        const deliveries = ids.flatMap((id) =>
          Array.from({ length: 1 + Math.floor(random() * 3) }, () => id),
        );
        deliveries.sort(() => random() - 0.5);
        for (const id of deliveries) if (dedupe.accept(0, split, id)) applied.push(`${split}${id}`);
        if ((block + 20) % 100 === 0) dedupe.commit([0], split, block + 20);
      }
      // An upstream replay from its last checkpoint sends the last 150 again.
      for (let id = 351; id <= 500; id++) if (dedupe.accept(0, split, id)) applied.push(`${split}${id}`);
    }
    expect(applied).toHaveLength(1_000);
    expect(new Set(applied).size).toBe(1_000);
  });
});
