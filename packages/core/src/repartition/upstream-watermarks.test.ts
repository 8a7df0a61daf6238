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

  test("ended splits are left out; a shard whose splits all ended stays at their highest watermark", () => {
    const merge = new UpstreamWatermarks();
    merge.advance("s1", ["a", "b"], 1_000);
    merge.advance("s1", ["b"], 6_000);
    merge.mark("s1", "a", "ended");
    expect(merge.current()).toBe(6_000);
    merge.mark("s1", "b", "ended");
    expect(merge.current()).toBe(6_000);
    merge.mark("s1", "a", "live"); // an ended split does not come back
    expect(merge.current()).toBe(6_000);
    // Once the whole upstream stage is finished, a shard whose splits all ended closes every window.
    expect(merge.current(true)).toBe(Number.POSITIVE_INFINITY);
    merge.mark("s2", "c", "live");
    expect(merge.current(true)).toBe(Number.NEGATIVE_INFINITY);
  });

  test("watermarks of a split never go back", () => {
    const merge = new UpstreamWatermarks();
    merge.advance("s1", ["a"], 5_000);
    merge.advance("s1", ["a"], 3_000);
    expect(merge.current()).toBe(5_000);
  });
});
