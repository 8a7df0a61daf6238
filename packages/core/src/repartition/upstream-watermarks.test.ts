import { describe, expect, test } from "vitest";
import { UpstreamWatermarks } from "./upstream-watermarks.ts";

describe("UpstreamWatermarks", () => {
  test("holds event time until a shard hears of an upstream split, then takes the minimum of the live ones", () => {
    const merge = new UpstreamWatermarks();
    expect(merge.current()).toBe(Number.NEGATIVE_INFINITY);
    merge.addShard("s1");
    merge.addShard("s2");
    merge.advance("s1", ["a", "b"], 1_000);
    expect(merge.current()).toBe(Number.NEGATIVE_INFINITY); // s2 has heard of nobody
    merge.advance("s2", ["a", "b"], 1_000);
    expect(merge.current()).toBe(1_000);
    merge.advance("s1", ["a"], 3_000);
    merge.advance("s2", ["a"], 3_000);
    expect(merge.current()).toBe(1_000); // b holds it
  });

  test("a split known but not heard of yet holds event time (a paused upstream split)", () => {
    const merge = new UpstreamWatermarks();
    merge.mark("s1", "b", "live");
    merge.advance("s1", ["a"], 5_000);
    expect(merge.current()).toBe(Number.NEGATIVE_INFINITY);
    merge.advance("s1", ["b"], 2_000);
    expect(merge.current()).toBe(2_000);
  });

  test("idle splits are left out until they are heard of again", () => {
    const merge = new UpstreamWatermarks();
    merge.advance("s1", ["a", "b"], 1_000);
    merge.advance("s1", ["a"], 4_000);
    merge.mark("s1", "b", "idle");
    expect(merge.current()).toBe(4_000);
    merge.mark("s1", "b", "live");
    expect(merge.current()).toBe(1_000);
    merge.mark("s1", "b", "idle");
    merge.advance("s1", ["b"], 2_000); // a watermark marker of b: live again
    expect(merge.current()).toBe(2_000);
  });

  test("ended splits whose leases are finished are left out; the whole upstream finished closes every window", () => {
    const merge = new UpstreamWatermarks();
    merge.advance("s1", ["a", "b"], 1_000);
    merge.advance("s1", ["b"], 6_000);
    merge.mark("s1", "a", "ended");
    expect(merge.current(new Set(["b"]))).toBe(6_000);
    merge.mark("s1", "b", "ended");
    merge.mark("s1", "a", "live"); // an ended split does not come back
    // Once the whole upstream stage is finished, a shard whose splits all ended closes every window.
    expect(merge.current(new Set())).toBe(Number.POSITIVE_INFINITY);
    merge.mark("s2", "c", "live");
    expect(merge.current(new Set())).toBe(Number.NEGATIVE_INFINITY);
  });

  test("an ended split holds at its last watermark while its lease is not finished: its children may not be known yet", () => {
    const merge = new UpstreamWatermarks();
    merge.advance("s1", ["a", "b"], 1_000);
    merge.advance("s1", ["b"], 6_000);
    merge.mark("s1", "a", "ended");
    // a's children, not heard of yet, may carry records from 1 000 on: nothing below fires.
    expect(merge.current(new Set(["a", "b"]))).toBe(1_000);
    // Its lease finished (its children's leases exist then, and join as live splits).
    merge.mark("s1", "a-child", "live");
    merge.advance("s1", ["a-child"], 2_000);
    expect(merge.current(new Set(["a-child", "b"]))).toBe(2_000);
  });

  test("a shard with no live split stays at the least of its splits' watermarks, not the highest", () => {
    const merge = new UpstreamWatermarks();
    merge.advance("s1", ["a", "b"], 3_000);
    merge.advance("s1", ["a"], 5_000);
    merge.mark("s1", "a", "idle");
    merge.mark("s1", "b", "idle");
    // b comes back with records from 3 000 on: a window below 5 000 must not have fired.
    expect(merge.current(new Set(["a", "b"]))).toBe(3_000);
    merge.mark("s1", "a", "ended");
    merge.mark("s1", "b", "ended");
    expect(merge.current(new Set(["c"]))).toBe(3_000);
  });

  test("watermarks of a split never go back", () => {
    const merge = new UpstreamWatermarks();
    merge.advance("s1", ["a"], 5_000);
    merge.advance("s1", ["a"], 3_000);
    expect(merge.current()).toBe(5_000);
  });
});
