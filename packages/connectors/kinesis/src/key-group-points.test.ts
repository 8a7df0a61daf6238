import { keyGroupOf } from "@eddy/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { keyGroupHashKey, keyGroupPoint, keyGroupsInRange } from "./key-group-points.ts";

// The hash ranges Kinesis gives the shards of a new stream of 4 shards (ListShards), as the AWS
// documentation's examples of evenly split streams show them.
const FOUR_SHARDS = [
  ["0", "85070591730234615865843651857942052863"],
  ["85070591730234615865843651857942052864", "170141183460469231731687303715884105727"],
  ["170141183460469231731687303715884105728", "255211775190703847597530955573826158591"],
  ["255211775190703847597530955573826158592", "340282366920938463463374607431768211455"],
] as const;
const MAX_HASH_KEY = (1n << 128n) - 1n;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("key group points", () => {
  test("each of a 4-shard stream's shards carries a quarter of 128 key groups, in order", () => {
    expect(FOUR_SHARDS.map(([first, last]) => keyGroupsInRange(first, last, 128))).toEqual([
      range(0, 32),
      range(32, 64),
      range(64, 96),
      range(96, 128),
    ]);
  });

  test("a point is the middle of its key group's slice of the hash space, inside it", () => {
    for (const groups of [1, 3, 128, 1000]) {
      for (let g = 0; g < groups; g++) {
        const point = BigInt(keyGroupPoint(g, groups));
        const first = (BigInt(g) * (MAX_HASH_KEY + 1n)) / BigInt(groups);
        const next = (BigInt(g + 1) * (MAX_HASH_KEY + 1n)) / BigInt(groups);
        expect(point >= first && point < next).toBe(true);
        // As far from the slice's first hash key as from its last (one less when the slice is even).
        expect(next - 1n - point - (point - first)).toBeOneOf([0n, 1n]);
      }
    }
    expect(keyGroupPoint(0, 1)).toBe(((1n << 127n) - 1n).toString());
  });

  test("any shard map covering the hash space gives every key group to exactly one shard", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.bigInt({ min: 1n, max: MAX_HASH_KEY }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 300 }),
        (cuts, groups) => {
          const bounds = [0n, ...[...cuts].sort((a, b) => (a < b ? -1 : 1)), MAX_HASH_KEY + 1n];
          const carried = bounds
            .slice(0, -1)
            .flatMap((first, i) => keyGroupsInRange(String(first), String(bounds[i + 1]! - 1n), groups));
          expect(carried).toEqual(range(0, groups));
        },
      ),
    );
  });

  test("keyGroupHashKey writes a record at its key's key group point", () => {
    const hashKey = keyGroupHashKey((t: { symbol: string }) => t.symbol, 64);
    for (const symbol of ["EURUSD", "GBPUSD", "USDJPY", "k17"]) {
      expect(hashKey({ symbol })).toBe(keyGroupPoint(keyGroupOf(symbol, 64), 64));
    }
  });

  test("a number of key groups or a key group out of range is refused, naming what", () => {
    expect(() => keyGroupPoint(128, 128)).toThrow(
      "keyGroupPoint: keyGroup must be an integer in 0..127, got 128",
    );
    expect(() => keyGroupPoint(-1)).toThrow("keyGroup must be an integer in 0..127");
    expect(() => keyGroupHashKey((s: string) => s, 0)).toThrow(
      "keyGroupHashKey: keyGroups must be a positive integer, got 0",
    );
    expect(() => keyGroupPoint(0, 2.5)).toThrow("keyGroups must be a positive integer, got 2.5");
  });
});
