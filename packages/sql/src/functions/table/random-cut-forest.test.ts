import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SqlFunctionError } from "../function-contract.ts";
import { randomCutForest, randomCutForestWithExplanation } from "./random-cut-forest.ts";
import { SeededRandom } from "./seeded-random.ts";
import {
  areaUnderCurve,
  Collector,
  column,
  literals,
  restoredThroughCheckpoint,
} from "./table-test-support.ts";

const X = [column("X", "DOUBLE")];

/** A noisy sine (period 40) with `rate` of its points pushed 6 to 12 away: the anomalies. */
function periodicWithAnomalies(
  count: number,
  seed: number,
  rate = 0.01,
): { values: number[]; anomaly: boolean[] } {
  const random = new SeededRandom(seed);
  const values: number[] = [];
  const anomaly: boolean[] = [];
  for (let i = 0; i < count; i++) {
    let x = 10 * Math.sin((2 * Math.PI * i) / 40) + (random.next() - 0.5) * 2;
    const injected = i > 600 && random.next() < rate;
    if (injected) x += (random.next() < 0.5 ? -1 : 1) * (6 + 6 * random.next());
    values.push(x);
    anomaly.push(injected);
  }
  return { values, anomaly };
}

describe("RANDOM_CUT_FOREST", () => {
  it("separates injected anomalies from a noisy periodic signal (AUC ≥ 0.9)", () => {
    const { values, anomaly } = periodicWithAnomalies(4_000, 11);
    const out = new Collector();
    // AWS's own sine example ran with a shingle of four records.
    const instance = randomCutForest({ seed: 5 }).create(X, literals(100, 256, 100_000, 4));
    for (const [i, x] of values.entries()) instance.push({ X: x }, i * 1000, out.emit);
    const scored = out.column("ANOMALY_SCORE").slice(600) as number[];
    const labels = anomaly.slice(600);
    expect(labels.filter(Boolean).length).toBeGreaterThan(20);
    const auc = areaUnderCurve(scored, labels);
    console.log(
      `RANDOM_CUT_FOREST AUC on a noisy sine with ${labels.filter(Boolean).length} anomalies: ${auc.toFixed(3)}`,
    );
    expect(auc).toBeGreaterThanOrEqual(0.9);
  });

  it("passes every column through, adds ANOMALY_SCORE, keeps ROWTIME", () => {
    const forest = randomCutForest();
    const input = [column("TICKER", "VARCHAR", 4), column("PRICE", "REAL"), column("VOLUME", "BIGINT")];
    expect(forest.outputColumns(input, [])).toEqual([
      ...input,
      { name: "ANOMALY_SCORE", type: { name: "DOUBLE", nullable: true } },
    ]);
    const out = new Collector();
    forest.create(input, []).push({ TICKER: "ABC", PRICE: 1.5, VOLUME: 10 }, 42, out.emit);
    expect(out.rows).toEqual([
      { rowtime: 42, row: { TICKER: "ABC", PRICE: 1.5, VOLUME: 10, ANOMALY_SCORE: 0 } },
    ]);
  });

  it("scores 0 for the first subSampleSize rows (the documented learning phase), then positive scores", () => {
    const out = new Collector();
    const instance = randomCutForest().create(X, literals(20, 32));
    for (let i = 0; i < 100; i++) instance.push({ X: Math.sin(i) }, i, out.emit);
    const scores = out.column("ANOMALY_SCORE") as number[];
    expect(scores.slice(0, 32)).toEqual(new Array(32).fill(0));
    expect(scores.slice(32).every((s) => s > 0)).toBe(true);
  });

  it("with a shingle, stays at 0 until the first shingle fills even past subSampleSize", () => {
    const out = new Collector();
    const instance = randomCutForest().create(X, literals(10, 10, 1000, 30));
    for (let i = 0; i < 45; i++) instance.push({ X: i % 7 }, i, out.emit);
    const scores = out.column("ANOMALY_SCORE") as number[];
    // Row 30 makes the first shingle; the forest has a point from then on, so row 31 is scored.
    expect(scores.slice(0, 30)).toEqual(new Array(30).fill(0));
    expect(scores.slice(30).every((s) => s > 0)).toBe(true);
  });

  it("finds with shingles an anomaly of shape that single records cannot show", () => {
    // A square wave whose values are always ±1; at one place the wave holds +1 for 12 records too
    // many: every record is ordinary, the run is not.
    const values: number[] = [];
    for (let i = 0; i < 2_000; i++) values.push(Math.floor(i / 6) % 2 === 0 ? 1 : -1);
    const start = 1_500;
    for (let i = start; i < start + 12; i++) values[i] = 1;
    const run = (shingleSize: number): number[] => {
      const out = new Collector();
      const instance = randomCutForest({ seed: 9 }).create(X, literals(50, 128, 100_000, shingleSize));
      for (const [i, x] of values.entries()) instance.push({ X: x }, i, out.emit);
      return out.column("ANOMALY_SCORE") as number[];
    };
    const peakIn = (scores: number[], from: number, to: number): number =>
      Math.max(...scores.slice(from, to));
    const shingled = run(8);
    const single = run(1);
    // Shingled: the anomaly's scores stand far above everything else after learning.
    expect(peakIn(shingled, start, start + 20)).toBeGreaterThan(1.5 * peakIn(shingled, 400, start));
    // Single records: the anomaly looks like every other +1.
    expect(peakIn(single, start, start + 20)).toBeLessThanOrEqual(1.05 * peakIn(single, 400, start));
  });

  it("is deterministic for a seed, and another seed gives other scores", () => {
    const { values } = periodicWithAnomalies(600, 3);
    const run = (seed: number): number[] => {
      const out = new Collector();
      const instance = randomCutForest({ seed }).create(X, literals(30, 64));
      for (const [i, x] of values.entries()) instance.push({ X: x }, i, out.emit);
      return out.column("ANOMALY_SCORE") as number[];
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it("restored from a checkpoint mid-stream, gives exactly the scores of an uninterrupted run", () => {
    const { values } = periodicWithAnomalies(1_500, 21, 0.02);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_500 }),
        fc.constantFrom(1, 3),
        fc.constantFrom(120, 100_000),
        (cut, shingleSize, timeDecay) => {
          // A small timeDecay makes points expire from the samples, which the checkpoint must carry.
          const args = literals(15, 40, timeDecay, shingleSize);
          const forest = randomCutForest({ seed: 77 });
          const whole = new Collector();
          const uninterrupted = forest.create(X, args);
          for (const [i, x] of values.entries()) uninterrupted.push({ X: x }, i, whole.emit);
          const parts = new Collector();
          let running = forest.create(X, args);
          values.forEach((x, i) => {
            if (i === cut) running = restoredThroughCheckpoint(running, forest.create(X, args));
            running.push({ X: x }, i, parts.emit);
          });
          expect(parts.rows).toEqual(whole.rows);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("passes a row with a NULL numeric value through with a NULL score, without learning it", () => {
    const input = [column("A", "INTEGER"), column("B", "DOUBLE")];
    const withNulls = new Collector();
    const plain = new Collector();
    const a = randomCutForest().create(input, literals(10, 10));
    const b = randomCutForest().create(input, literals(10, 10));
    for (let i = 0; i < 40; i++) {
      if (i % 5 === 0) a.push({ A: i, B: null }, i, withNulls.emit);
      a.push({ A: i, B: i * 2 }, i, withNulls.emit);
      b.push({ A: i, B: i * 2 }, i, plain.emit);
    }
    expect(withNulls.rows.filter((r) => r.row.B === null).every((r) => r.row.ANOMALY_SCORE === null)).toBe(
      true,
    );
    expect(withNulls.rows.filter((r) => r.row.B !== null)).toEqual(plain.rows);
  });
});

describe("RANDOM_CUT_FOREST_WITH_EXPLANATION", () => {
  const bloodPressure = [
    column("Systolic", "INTEGER"),
    column("Diastolic", "INTEGER"),
    column("LEVEL", "VARCHAR", 20),
  ];

  function normalReadings(
    count: number,
    seed: number,
  ): { Systolic: number; Diastolic: number; LEVEL: string }[] {
    const random = new SeededRandom(seed);
    return Array.from({ length: count }, () => ({
      Systolic: 90 + Math.floor(random.next() * 31),
      Diastolic: 60 + Math.floor(random.next() * 21),
      LEVEL: "NORMAL",
    }));
  }

  type Explanation = Record<string, { DIRECTION?: string; STRENGTH?: string; ATTRIBUTION_SCORE: string }>;

  it("adds ANOMALY_SCORE and ANOMALY_EXPLANATION, in the learning phase LOW with strength and attribution 0", () => {
    const explained = randomCutForestWithExplanation();
    expect(
      explained.outputColumns(bloodPressure, literals(100, 256, 100_000, 1, true)).map((c) => c.name),
    ).toEqual(["Systolic", "Diastolic", "LEVEL", "ANOMALY_SCORE", "ANOMALY_EXPLANATION"]);
    const out = new Collector();
    explained
      .create(bloodPressure, literals(100, 256, 100_000, 1, true))
      .push(normalReadings(1, 1)[0]!, 0, out.emit);
    expect(out.rows[0]!.row.ANOMALY_SCORE).toBe(0);
    expect(JSON.parse(out.rows[0]!.row.ANOMALY_EXPLANATION as string)).toEqual({
      Systolic: { DIRECTION: "LOW", STRENGTH: "0.0000", ATTRIBUTION_SCORE: "0.0000" },
      Diastolic: { DIRECTION: "LOW", STRENGTH: "0.0000", ATTRIBUTION_SCORE: "0.0000" },
    });
  });

  it("explains a high diastolic reading (AWS's blood pressure example): attributions sum to the score, direction HIGH", () => {
    const out = new Collector();
    const instance = randomCutForestWithExplanation({ seed: 3 }).create(
      bloodPressure,
      literals(100, 256, 100_000, 1, true),
    );
    for (const [i, reading] of normalReadings(1_000, 8).entries()) instance.push(reading, i, out.emit);
    instance.push({ Systolic: 105, Diastolic: 123, LEVEL: "HIGH" }, 1_000, out.emit);
    instance.push({ Systolic: 60, Diastolic: 70, LEVEL: "LOW" }, 1_001, out.emit);
    const [high, low] = out.rows.slice(-2).map((r) => r.row);
    const typical = (out.column("ANOMALY_SCORE").slice(300, 1_000) as number[]).sort((a, b) => a - b);
    const median = typical[typical.length >> 1]!;
    for (const row of [high!, low!]) {
      expect(row.ANOMALY_SCORE as number).toBeGreaterThan(2 * median);
      const explanation = JSON.parse(row.ANOMALY_EXPLANATION as string) as Explanation;
      const sum =
        Number(explanation.Systolic!.ATTRIBUTION_SCORE) + Number(explanation.Diastolic!.ATTRIBUTION_SCORE);
      expect(Math.abs(sum - (row.ANOMALY_SCORE as number))).toBeLessThanOrEqual(0.0001);
    }
    const h = JSON.parse(high!.ANOMALY_EXPLANATION as string) as Explanation;
    expect(Number(h.Diastolic!.ATTRIBUTION_SCORE)).toBeGreaterThan(3 * Number(h.Systolic!.ATTRIBUTION_SCORE));
    expect(h.Diastolic!.DIRECTION).toBe("HIGH");
    expect(Number(h.Diastolic!.STRENGTH)).toBeGreaterThan(Number(h.Systolic!.STRENGTH));
    const l = JSON.parse(low!.ANOMALY_EXPLANATION as string) as Explanation;
    expect(Number(l.Systolic!.ATTRIBUTION_SCORE)).toBeGreaterThan(3 * Number(l.Diastolic!.ATTRIBUTION_SCORE));
    expect(l.Systolic!.DIRECTION).toBe("LOW");
  });

  it("without directionality explains only the attribution, and gives the same scores as RANDOM_CUT_FOREST", () => {
    const readings = normalReadings(400, 4);
    const explained = new Collector();
    const plain = new Collector();
    const a = randomCutForestWithExplanation({ seed: 2 }).create(
      bloodPressure,
      literals(20, 64, 1000, 2, false),
    );
    const b = randomCutForest({ seed: 2 }).create(bloodPressure, literals(20, 64, 1000, 2));
    readings.forEach((r, i) => {
      a.push(r, i, explained.emit);
      b.push(r, i, plain.emit);
    });
    expect(explained.column("ANOMALY_SCORE")).toEqual(plain.column("ANOMALY_SCORE"));
    const last = JSON.parse(explained.rows.at(-1)!.row.ANOMALY_EXPLANATION as string) as Explanation;
    expect(Object.keys(last)).toEqual(["Systolic", "Diastolic"]);
    expect(Object.keys(last.Systolic!)).toEqual(["ATTRIBUTION_SCORE"]);
    // With a shingle of 2 the columns' attributions sum over both records of the shingle.
    const score = explained.rows.at(-1)!.row.ANOMALY_SCORE as number;
    expect(
      Math.abs(Number(last.Systolic!.ATTRIBUTION_SCORE) + Number(last.Diastolic!.ATTRIBUTION_SCORE) - score),
    ).toBeLessThanOrEqual(0.0001);
  });

  it("explains repeated points (a point equal to a leaf) with attributions that still sum to the score", () => {
    const input = [column("A", "INTEGER"), column("B", "INTEGER")];
    const out = new Collector();
    const instance = randomCutForestWithExplanation({ seed: 1 }).create(
      input,
      literals(30, 32, 1000, 1, true),
    );
    for (let i = 0; i < 300; i++) instance.push({ A: i % 4, B: (i * 7) % 3 }, i, out.emit);
    for (const { row } of out.rows.slice(40)) {
      const e = JSON.parse(row.ANOMALY_EXPLANATION as string) as Explanation;
      expect(
        Math.abs(
          Number(e.A!.ATTRIBUTION_SCORE) + Number(e.B!.ATTRIBUTION_SCORE) - (row.ANOMALY_SCORE as number),
        ),
      ).toBeLessThanOrEqual(0.0001);
    }
  });

  it("restored from a checkpoint, explains exactly as an uninterrupted run", () => {
    const readings = normalReadings(700, 5);
    const args = literals(20, 50, 300, 2, true);
    const whole = new Collector();
    const parts = new Collector();
    const fn = randomCutForestWithExplanation({ seed: 8 });
    const uninterrupted = fn.create(bloodPressure, args);
    let running = fn.create(bloodPressure, args);
    readings.forEach((r, i) => {
      uninterrupted.push(r, i, whole.emit);
      if (i === 411) running = restoredThroughCheckpoint(running, fn.create(bloodPressure, args));
      running.push(r, i, parts.emit);
    });
    expect(parts.rows).toEqual(whole.rows);
  });
});

describe("RANDOM_CUT_FOREST arguments", () => {
  const refuse = (args: ReturnType<typeof literals>, message: RegExp, input = X): void => {
    expect(() => randomCutForest().outputColumns(input, args)).toThrow(SqlFunctionError);
    expect(() => randomCutForest().outputColumns(input, args)).toThrow(message);
  };

  it("refuses each parameter outside its documented range, naming it and the range", () => {
    refuse(literals(0), /RANDOM_CUT_FOREST numberOfTrees must be from 1 to 1,000, got 0/);
    refuse(literals(1001), /numberOfTrees must be from 1 to 1,000, got 1001/);
    refuse(literals(10, 9), /subSampleSize must be from 10 to 1,000, got 9/);
    refuse(literals(10, 1001), /subSampleSize must be from 10 to 1,000/);
    refuse(literals(10, 10, 0), /timeDecay must be from 1 to 2,147,483,647, got 0/);
    refuse(literals(10, 10, 2_147_483_648), /timeDecay must be from 1 to 2,147,483,647/);
    refuse(literals(10, 10, 100, 0), /shingleSize must be from 1 to 30, got 0/);
    refuse(literals(10, 10, 100, 31), /shingleSize must be from 1 to 30, got 31/);
    refuse(literals(10, 256, 256), /subSampleSize \(256\) must be less than timeDecay \(256\)/);
    refuse(literals(10.5), /numberOfTrees must be an integer literal from 1 to 1,000, got 10.5/);
    refuse(literals(10, 10, 100, 1, 1), /takes a cursor and at most 4 more arguments, got 5/);
    refuse([{ type: { name: "INTEGER", nullable: false } }], /numberOfTrees must be a literal/);
  });

  it("refuses DECIMAL columns (Use DOUBLE), a cursor without numeric columns, and more than 30", () => {
    refuse([], /does not accept the DECIMAL column P \(DECIMAL\(10, 2\)\).*Use DOUBLE instead/, [
      { name: "P", type: { name: "DECIMAL", precision: 10, scale: 2, nullable: true } },
    ]);
    refuse([], /needs at least one numeric column/, [column("S", "VARCHAR", 3)]);
    refuse(
      [],
      /accepts at most 30 numeric columns, the cursor has 31/,
      Array.from({ length: 31 }, (_, i) => column(`C${i}`, "DOUBLE")),
    );
    expect(
      randomCutForest().outputColumns(
        Array.from({ length: 30 }, (_, i) => column(`C${i}`, "DOUBLE")),
        [],
      ),
    ).toHaveLength(31);
  });

  it("refuses a forest whose bounding boxes would not fit, and a cursor that already has ANOMALY_SCORE", () => {
    refuse(
      literals(1000, 1000, 100_000, 30),
      /needs 13.4 GiB of bounding boxes/,
      Array.from({ length: 30 }, (_, i) => column(`C${i}`, "DOUBLE")),
    );
    refuse([], /adds the column ANOMALY_SCORE, which the cursor already has \(DOUBLE\)/, [
      column("ANOMALY_SCORE", "DOUBLE"),
    ]);
  });

  it("takes withDirectionality as a BOOLEAN only in RANDOM_CUT_FOREST_WITH_EXPLANATION", () => {
    expect(() => randomCutForestWithExplanation().outputColumns(X, literals(10, 10, 100, 1, 1))).toThrow(
      /RANDOM_CUT_FOREST_WITH_EXPLANATION withDirectionality must be TRUE or FALSE, got 1/,
    );
  });
});
