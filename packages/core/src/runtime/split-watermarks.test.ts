import { describe, expect, test } from "vitest";
import { SplitWatermarks } from "./split-watermarks.ts";

describe("SplitWatermarks", () => {
  test("keeps the highest watermark per split and assigner, known splits without one as null", () => {
    const table = new SplitWatermarks(["ticks", "quotes"]);
    table.report("assign#1", "ticks/0", 5_000);
    table.report("assign#1", "ticks/0", 4_000);
    table.report("assign#1", "ticks/1", Number.NEGATIVE_INFINITY);
    table.report("assign#2", "ticks/0", 3_000);
    table.report("assign#1", "quotes/0", 9_000);
    expect(table.ofSource("ticks")).toEqual({
      "0": { "assign#1": 5_000, "assign#2": 3_000 },
      "1": { "assign#1": null },
    });
    expect(table.ofSource("quotes")).toEqual({ "0": { "assign#1": 9_000 } });
    expect(table.ofSource("nothing")).toBeUndefined();
  });

  test("a split's source is the longest source id that prefixes it; splits of no source are ignored", () => {
    const table = new SplitWatermarks(["a", "a/b"]);
    table.report("assign#1", "a/b/0", 1);
    table.report("assign#1", "a/0", 2);
    table.report("assign#1", "", 3);
    expect(table.ofSource("a/b")).toEqual({ "0": { "assign#1": 1 } });
    expect(table.ofSource("a")).toEqual({ "0": { "assign#1": 2 } });
  });

  test("a finished split is forgotten: it holds nothing after a restore", () => {
    const table = new SplitWatermarks(["ticks"]);
    table.report("assign#1", "ticks/0", 5_000);
    table.report("assign#1", "ticks/0", Number.POSITIVE_INFINITY);
    expect(table.ofSource("ticks")).toBeUndefined();
  });

  test("restores every kept split of an assigner at its floor, and nothing for other assigners", () => {
    const table = new SplitWatermarks(["ticks"], {
      kept: { ticks: { "0": { "assign#1": 5_000 }, "1": { "assign#1": null } } },
    });
    expect(table.restoredFor("assign#1")).toEqual(
      new Map([
        ["ticks/0", 5_000],
        ["ticks/1", Number.NEGATIVE_INFINITY],
      ]),
    );
    expect(table.restoredFor("assign#2")).toEqual(new Map());
    // A restored run checkpoints what it restored until its assigners report more.
    expect(table.ofSource("ticks")).toEqual({ "0": { "assign#1": 5_000 }, "1": { "assign#1": null } });
  });

  test("the kept splits of a source the job no longer has are not restored", () => {
    const table = new SplitWatermarks(["ticks"], {
      kept: { ticks: { "0": { "assign#1": 5_000 } }, quotes: { "0": { "assign#1": 9_000 } } },
    });
    expect(table.restoredFor("assign#1")).toEqual(new Map([["ticks/0", 5_000]]));
  });

  test("on a worker, a held split no checkpoint covers starts at -Infinity beside the restored ones; splits not held are left out", () => {
    const table = new SplitWatermarks(["ticks"], {
      kept: { ticks: { "0": { "assign#1": 5_000 }, "2": { "assign#1": 7_000 } } },
      assignedSplits: new Set(["0", "1"]),
    });
    expect(table.restoredFor("assign#1")).toEqual(
      new Map([
        ["ticks/0", 5_000],
        ["ticks/1", Number.NEGATIVE_INFINITY],
      ]),
    );
  });
});
