import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { WindowBucket } from "./window-bucket.ts";

type Op =
  | { readonly kind: "append"; readonly id: number }
  | { readonly kind: "drop"; readonly every: number }
  /** The bucket goes; a new one takes its arrays. */
  | { readonly kind: "recycle"; readonly capacity: number };

/** Replays ops on a bucket and on a Map, and checks every lookup agrees. */
function check(ops: readonly Op[], idCapacity: number, capacity: number): void {
  let bucket = new WindowBucket<unknown, unknown>(0, 10, {}, 2, capacity, idCapacity);
  const model: number[] = [];
  let seq = 0;
  const agree = () => {
    expect(bucket.size).toBe(model.length);
    const rowOf = new Map(model.map((id, row) => [id, row]));
    for (let id = 0; id < idCapacity * 2 + 70; id++) expect(bucket.rowOf(id)).toBe(rowOf.get(id) ?? -1);
    for (let row = 0; row < model.length; row++) {
      expect(bucket.ids[row]).toBe(model[row]);
      // Values travel with their rows.
      expect(bucket.values[row * 2]).toBe(model[row]! * 10);
    }
  };
  for (const op of ops) {
    if (op.kind === "append") {
      if (bucket.rowOf(op.id) >= 0) continue;
      const row = bucket.append(op.id, seq++, 0);
      bucket.values[row * 2] = op.id * 10;
      model.push(op.id);
    } else if (op.kind === "recycle") {
      agree();
      bucket = new WindowBucket(10, 20, {}, 2, op.capacity, idCapacity, bucket.recycle());
      model.length = 0;
    } else {
      const gone: number[] = [];
      bucket.retain(
        (row) => row % op.every !== 0,
        (id) => gone.push(id),
      );
      expect(gone).toEqual(model.filter((_, row) => row % op.every === 0));
      for (let row = model.length - 1; row >= 0; row--) if (row % op.every === 0) model.splice(row, 1);
    }
  }
  agree();
}

describe("WindowBucket", () => {
  test("finds every key's row, dense or sparse, as rows come and go, and in a bucket that reuses a gone one's arrays", () => {
    const op = fc.oneof(
      { weight: 20, arbitrary: fc.record({ kind: fc.constant("append" as const), id: fc.nat(300) }) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant("drop" as const), every: fc.integer({ min: 1, max: 4 }) }),
      },
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 400 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 64 }),
        check,
      ),
    );
  });

  test("a key numbered far beyond the dense index is found, and so are the others", () => {
    // Dense at first: ten ids, room for sixteen rows.
    const bucket = new WindowBucket<unknown, unknown>(0, 10, {}, 0, 16, 10);
    bucket.append(3, 0, 0);
    // One window of a key numbered a million: a dense index would need a million entries.
    bucket.append(1_000_000, 1, 0);
    expect(bucket.rowOf(3)).toBe(0);
    expect(bucket.rowOf(1_000_000)).toBe(1);
    expect(bucket.rowOf(999_999)).toBe(-1);
  });
});
