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
