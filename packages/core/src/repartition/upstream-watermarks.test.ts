import { describe, expect, test } from "vitest";
import { UpstreamWatermarks } from "./upstream-watermarks.ts";
import { NO_RUN, type WriterRun } from "./writer-run.ts";

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

  describe("runs: a split moved or restarted while its old run's markers are still in flight", () => {
    const older: WriterRun = [7, 1];
    const newer: WriterRun = [8, 1];

    test("an idle of run 1 read after an active of run 2 does not take the split out of the minimum", () => {
      const merge = new UpstreamWatermarks();
      merge.advance("s1", ["a", "b"], 1_000, [older, older]);
      merge.advance("s1", ["a"], 9_000, [older]);
      merge.mark("s1", "b", "live", newer);
      merge.mark("s1", "b", "idle", older); // late: written by b's run before it restarted
      expect(merge.current()).toBe(1_000);
      merge.mark("s1", "b", "idle", newer);
      expect(merge.current()).toBe(9_000);
    });

    test("an active of an older run does not bring back a split its newer run made idle", () => {
      const merge = new UpstreamWatermarks();
      merge.advance("s1", ["a", "b"], 1_000, [older, older]);
      merge.advance("s1", ["a"], 9_000, [older]);
      merge.mark("s1", "b", "idle", newer);
      merge.mark("s1", "b", "live", older);
      expect(merge.current()).toBe(9_000);
    });

    test("a watermark of an older run neither raises the split nor makes it live again", () => {
      const merge = new UpstreamWatermarks();
      merge.advance("s1", ["a", "b"], 1_000, [newer, newer]);
      merge.advance("s1", ["a"], 9_000, [newer]);
      merge.advance("s1", ["b"], 20_000, [older]);
      expect(merge.current()).toBe(1_000); // b's new run restarted lower: it holds event time
      merge.mark("s1", "b", "idle", newer);
      expect(merge.current()).toBe(9_000);
      merge.advance("s1", ["b"], 2_000, [older]);
      expect(merge.current()).toBe(9_000); // b stays idle, left out
      // One marker speaks for several splits, each with its own run: a's counts, b's does not.
      merge.advance("s1", ["a", "b"], 12_000, [newer, older]);
      expect(merge.current()).toBe(12_000);
    });

    test("runs order by the lease counter first, then the generation of the worker's pipeline", () => {
      const merge = new UpstreamWatermarks();
      merge.advance("s1", ["a", "b"], 1_000, [
        [3, 9],
        [3, 9],
      ]);
      merge.advance("s1", ["a"], 9_000, [[3, 9]]);
      merge.mark("s1", "b", "live", [4, 1]); // the next holder: a higher counter, its own generations
      merge.mark("s1", "b", "idle", [3, 9]);
      merge.mark("s1", "b", "idle", [3, 12]); // a zombie's later restart, still on its old counter
      expect(merge.current()).toBe(1_000);
      merge.mark("s1", "b", "idle", [4, 2]); // the holder's own restart
      expect(merge.current()).toBe(9_000);
    });

    test("an end of an older run still ends the split", () => {
      const merge = new UpstreamWatermarks();
      merge.advance("s1", ["a", "b"], 1_000, [newer, newer]);
      merge.advance("s1", ["a"], 9_000, [newer]);
      merge.mark("s1", "b", "ended"); // every id up to it is stored, whichever run wrote it
      expect(merge.current(new Set())).toBe(9_000);
    });

    test("a record does not make a split of a known run live again: its run announced itself before it", () => {
      const merge = new UpstreamWatermarks();
      merge.advance("s1", ["a", "b"], 1_000, [newer, newer]);
      merge.advance("s1", ["a"], 9_000, [newer]);
      merge.mark("s1", "b", "idle", newer);
      merge.record("s1", "b"); // put by b's older run, read late: b stays idle, windows go on
      expect(merge.current()).toBe(9_000);
      merge.mark("s1", "b", "live", newer); // what b's newer run sends before its own records
      merge.record("s1", "b");
      expect(merge.current()).toBe(1_000);
    });

    test("a record makes a split live again while no run of it is known (an older writer announces none)", () => {
      const merge = new UpstreamWatermarks();
      merge.advance("s1", ["a", "b"], 1_000, [NO_RUN, NO_RUN]);
      merge.advance("s1", ["a"], 9_000, [NO_RUN]);
      merge.mark("s1", "b", "idle", NO_RUN);
      expect(merge.current()).toBe(9_000);
      merge.record("s1", "b");
      expect(merge.current()).toBe(1_000);
      merge.record("s1", "c"); // a split heard of first by a record holds event time
      expect(merge.current()).toBe(Number.NEGATIVE_INFINITY);
    });

    test("a marker without a run (an older writer's) is older than any run, and such markers apply in order", () => {
      const merge = new UpstreamWatermarks();
      merge.advance("s1", ["a", "b"], 1_000, [NO_RUN, NO_RUN]);
      merge.advance("s1", ["a"], 9_000, [NO_RUN]);
      merge.mark("s1", "b", "idle", NO_RUN);
      expect(merge.current()).toBe(9_000);
      merge.mark("s1", "b", "live", newer);
      merge.mark("s1", "b", "idle", NO_RUN);
      expect(merge.current()).toBe(1_000);
    });
  });
});
