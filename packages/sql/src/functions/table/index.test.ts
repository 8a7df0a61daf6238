import { describe, expect, it } from "vitest";
import { tableFunctions } from "./index.ts";
import { Collector, column } from "./table-test-support.ts";

describe("tableFunctions", () => {
  it("names KDA's six table functions", () => {
    expect(tableFunctions().map((f) => [f.kind, f.name])).toEqual([
      ["table", "RANDOM_CUT_FOREST"],
      ["table", "RANDOM_CUT_FOREST_WITH_EXPLANATION"],
      ["table", "HOTSPOTS"],
      ["table", "TOP_K_ITEMS_TUMBLING"],
      ["table", "COUNT_DISTINCT_ITEMS_TUMBLING"],
      ["table", "GROUP_RANK"],
    ]);
  });

  it("seeds the forests with the job's seed", () => {
    const scores = (seed: number): unknown[] => {
      const forest = tableFunctions({ seed })[0]!;
      const instance = forest.create([column("X", "DOUBLE")], []);
      const out = new Collector();
      for (let i = 0; i < 400; i++) instance.push({ X: Math.sin(i / 5) }, i, out.emit);
      return out.column("ANOMALY_SCORE");
    };
    expect(scores(1)).toEqual(scores(1));
    expect(scores(1)).not.toEqual(scores(2));
  });
});
