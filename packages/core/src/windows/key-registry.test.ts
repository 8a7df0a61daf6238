import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { keyGroupOf } from "../state/key-group.ts";
import { KeyRegistry } from "./key-registry.ts";
import { SWEEP_THRESHOLD } from "./window-slots.ts";

describe("KeyRegistry", () => {
  test("numbers keys densely and knows their key groups", () => {
    const registry = new KeyRegistry<string | number>(128);
    const keys = ["EURUSD", 42, "", "ü"];
    const ids = keys.map((key) => registry.register(key));
    expect(ids).toEqual([0, 1, 2, 3]);
    for (const [i, key] of keys.entries()) {
      expect(registry.ids.get(key)).toBe(ids[i]);
      expect(registry.keys[ids[i]!]).toBe(key);
      expect(registry.groupOf(ids[i]!)).toBe(keyGroupOf(key, 128));
    }
    // A group the caller knows (read from a checkpoint) is taken as given.
    expect(registry.groupOf(registry.register("restored", 7))).toBe(7);
  });

  test("room made ahead for many keys changes no id", () => {
    const registry = new KeyRegistry<string>(8);
    registry.register("a");
    registry.reserve(1_000);
    const ids = Array.from({ length: 1_000 }, (_, i) => registry.register(`k${i}`));
    expect(ids).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
    expect(registry.idCapacity).toBe(1_001);
    expect(registry.keys[0]).toBe("a");
    expect(registry.keys[1_000]).toBe("k999");
    expect(registry.groupOf(1_000)).toBe(keyGroupOf("k999", 8));
  });

  test("recycles the ids of keys without windows once they are many, and only those", () => {
    const registry = new KeyRegistry<string>(8);
    const n = SWEEP_THRESHOLD * 2;
    for (let i = 0; i < n; i++) registry.retain(registry.register(`k${i}`));
    // Every key but a tenth loses its window.
    for (let i = 0; i < n; i++) if (i % 10 !== 0) registry.release(i);
    registry.sweep();
    expect(registry.size).toBe(Math.ceil(n / 10));
    expect(registry.ids.get("k10")).toBe(10);
    expect(registry.ids.get("k11")).toBeUndefined();
    expect(registry.keys[11]).toBeUndefined();
    // A new key takes a recycled id, with its own group.
    const id = registry.register("fresh");
    expect(registry.keys[id]).toBe("fresh");
    expect(id).toBeLessThan(n);
    expect(registry.groupOf(id)).toBe(keyGroupOf("fresh", 8));
  });

  test("keeps keys without windows while they are few: most get their next window soon", () => {
    const registry = new KeyRegistry<string>(8);
    for (let i = 0; i < 1_000; i++) registry.retain(registry.register(`k${i}`));
    for (let i = 0; i < 1_000; i++) registry.release(i);
    registry.sweep();
    expect(registry.size).toBe(1_000);
  });
});

describe("KeyRegistry, restored keys", () => {
  test("are registered outside the Map, found by look-up, and move into it when the record path misses them", () => {
    const registry = new KeyRegistry<string | number>(128);
    registry.reserve(3);
    const a = registry.restore("a", 5, true);
    const seven = registry.restore(7, 2, true);
    const b = registry.restore("b", 1, true);
    expect([a, seven, b]).toEqual([0, 1, 2]);
    expect(registry.size).toBe(3);
    expect(registry.ids.size).toBe(0);
    expect(registry.idOf("a")).toBe(a);
    expect(registry.idOf(7)).toBe(seven);
    expect(registry.idOf("7")).toBe(-1);
    // The group read from the checkpoint is taken as given.
    expect(registry.groupOf(a)).toBe(5);
    expect(registry.idOnMiss("a")).toBe(a);
    expect(registry.ids.get("a")).toBe(a);
    expect(registry.idOnMiss(7)).toBe(seven);
    expect(registry.size).toBe(3);
    // A key restored again is the same key; a new one gets a new id, and its group.
    expect(registry.restore("b", 1, false)).toBe(b);
    const fresh = registry.idOnMiss("fresh");
    expect(fresh).toBe(3);
    expect(registry.ids.get("fresh")).toBe(fresh);
    expect(registry.groupOf(fresh)).toBe(keyGroupOf("fresh", 128));
    expect(registry.size).toBe(4);
    expect(registry.idOnMiss("b")).toBe(b);
    expect(registry.size).toBe(4);
  });

  test("number keys are the keys a Map would hold: NaN is one key, and so are 0 and -0", () => {
    const registry = new KeyRegistry<number>(8);
    const nan = registry.restore(Number.NaN, 0, false);
    const zero = registry.restore(-0, 1, false);
    const half = registry.restore(0.5, 2, false);
    const big = registry.restore(2 ** 40 + 1, 3, false);
    expect(registry.restore(Number.NaN, 0, false)).toBe(nan);
    expect(registry.restore(0, 1, false)).toBe(zero);
    expect(registry.idOnMiss(Number.NaN)).toBe(nan);
    expect(registry.idOnMiss(0)).toBe(zero);
    expect(registry.idOnMiss(0.5)).toBe(half);
    expect(registry.idOnMiss(2 ** 40 + 1)).toBe(big);
    expect(registry.idOnMiss(2 ** 40)).toBe(4);
    expect(registry.size).toBe(5);
  });

  test("never looked up, they are recycled as other keys are; a recycled id no longer answers for its old key", () => {
    const registry = new KeyRegistry<string>(8);
    const n = SWEEP_THRESHOLD * 2;
    registry.reserve(n);
    for (let i = 0; i < n; i++) registry.retain(registry.restore(`k${i}`, keyGroupOf(`k${i}`, 8), true));
    // Every key but a tenth loses its window; one of those lost was looked up before.
    expect(registry.idOnMiss("k1")).toBe(1);
    for (let i = 0; i < n; i++) if (i % 10 !== 0) registry.release(i);
    registry.sweep();
    expect(registry.size).toBe(Math.ceil(n / 10));
    expect(registry.idOf("k10")).toBe(10);
    expect(registry.idOf("k11")).toBe(-1);
    expect(registry.idOf("k1")).toBe(-1);
    expect(registry.keys[11]).toBeUndefined();
    // New keys take recycled ids; the old keys of those ids are new keys again.
    const taken = Array.from({ length: n }, (_, i) => registry.idOnMiss(`new${i}`));
    expect(new Set(taken).size).toBe(n);
    const again = registry.idOnMiss("k11");
    expect(taken).not.toContain(again);
    expect(registry.keys[again]).toBe("k11");
    expect(registry.idOnMiss("k10")).toBe(10);
    expect(registry.ids.get("new5")).toBe(taken[5]);
  });

  test("restored or not, a key has one id, and no two keys share one", () => {
    const key = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(Number.NaN, -0, 0.25, 1e300),
    );
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 200 }),
        fc.array(key, { maxLength: 200 }),
        (restored, looked) => {
          const registry = new KeyRegistry<string | number>(16);
          registry.reserve(restored.length);
          const model = new Map<string | number, number>();
          for (const k of restored) {
            const id = registry.restore(k, keyGroupOf(k, 16), false);
            expect(model.get(k) ?? id).toBe(id);
            model.set(k, id);
          }
          for (const k of looked) {
            const id = registry.ids.get(k) ?? registry.idOnMiss(k);
            expect(model.get(k) ?? id).toBe(id);
            model.set(k, id);
            expect(Object.is(registry.keys[id], k) || registry.keys[id] === k).toBe(true);
            expect(registry.groupOf(id)).toBe(keyGroupOf(k, 16));
          }
          expect(new Set(model.values()).size).toBe(model.size);
          expect(registry.size).toBe(model.size);
        },
      ),
    );
  });
});
