import type { SqlValue } from "../../types/sql-value.ts";
import type { TableEmit, TableFunctionInstance, TableSqlFunction } from "../function-contract.ts";
import { type ForestCall, forestCall } from "./rcf/forest-call.ts";
import { RandomCutForestModel, type RandomCutForestSnapshot } from "./rcf/random-cut-forest-model.ts";
import { Shingle, type ShingleSnapshot } from "./rcf/shingle.ts";
import { addedColumn, withAddedColumns } from "./table-arguments.ts";
import { DEFAULT_TABLE_FUNCTION_OPTIONS, type TableFunctionOptions } from "./table-function-options.ts";

const SCORE = "ANOMALY_SCORE";
const EXPLANATION = "ANOMALY_EXPLANATION";

/**
 * KDA's `RANDOM_CUT_FOREST(cursor [, numberOfTrees, subSampleSize, timeDecay, shingleSize])`: each
 * row of the cursor comes out with `ANOMALY_SCORE DOUBLE`, how far the point of its numeric columns
 * (shingled over the last `shingleSize` rows) lies from what the stream recently held, from a robust
 * random cut forest (Guha et al., ICML 2016) scored as AWS's RCF library scores: about 1 for a
 * typical point, higher for anomalies.
 *
 * Defaults and ranges as AWS documents them: 100 trees (1..1,000), samples of 256 (10..1,000, less
 * than timeDecay), timeDecay 100,000 rows (1..2^31-1), shingles of 1 row (1..30); at most 30 numeric
 * columns; DECIMAL refused ("Use DOUBLE instead"). The score is 0 for the first `subSampleSize` rows
 * (and until the first shingle is full), as KDA documents. A row with a NULL (or non-finite) numeric
 * value is passed through with a NULL score and not learned (an Eddy choice: KDA does not say). The
 * score is computed before the row joins the forest. Every random choice comes from the seed, so a
 * replay gives the same scores; `snapshot()`/`restore()` carry the whole forest, and a restored
 * instance continues with exactly the scores of an uninterrupted one.
 *
 * @example
 * const forest = randomCutForest({ seed: 7 });
 * const input = [{ name: "X", type: { name: "DOUBLE", nullable: true } }] as const;
 * const instance = forest.create(input, []);
 * instance.push({ X: 1.5 }, Date.UTC(2024, 0, 1), (row) => console.log(row.ANOMALY_SCORE));
 */
export function randomCutForest(options: TableFunctionOptions = {}): TableSqlFunction {
  const name = "RANDOM_CUT_FOREST";
  return {
    kind: "table",
    name,
    outputColumns: (input, args) => {
      forestCall(name, input, args, false);
      return withAddedColumns(name, input, [addedColumn(SCORE, "DOUBLE")]);
    },
    create: (input, args) => new ForestInstance(forestCall(name, input, args, false), seedOf(options), false),
  };
}

/**
 * KDA's `RANDOM_CUT_FOREST_WITH_EXPLANATION(cursor [, numberOfTrees, subSampleSize, timeDecay,
 * shingleSize, withDirectionality])`: {@link randomCutForest}'s `ANOMALY_SCORE` and
 * `ANOMALY_EXPLANATION VARCHAR`, a JSON object with, per numeric column, `ATTRIBUTION_SCORE` (the
 * column's share of the score: the shares sum to the score) and, with `withDirectionality` TRUE,
 * `DIRECTION` (`HIGH` when the value lies above what the forest holds more than below, else `LOW`)
 * and `STRENGTH`. Values are strings with four decimals, as in AWS's example:
 * `{"Systolic":{"DIRECTION":"HIGH","STRENGTH":"0.8567","ATTRIBUTION_SCORE":"1.7447"}, ...}`.
 *
 * The attribution is the RCF library's: each tree's score split by dimension and by side (above or
 * below the boxes on the point's path), summed over a shingle's records for each column. AWS does not
 * define STRENGTH; Eddy takes `|ln(HIGH part / LOW part)|` of the column's attribution (0 when they
 * are equal, growing with the confidence in the direction, and at most ln 10,001 ≈ 9.21 because each
 * part is smoothed by 1/10,000 of the attribution), which matches the magnitudes of AWS's example. In
 * the learning phase every column is `LOW`, strength and attribution 0, as documented. Without
 * directionality each column has only its `ATTRIBUTION_SCORE` (AWS does not show that form).
 *
 * @example
 * const explained = randomCutForestWithExplanation({ seed: 7 });
 * const input = [{ name: "Systolic", type: { name: "INTEGER", nullable: true } }] as const;
 * const instance = explained.create(input, [
 *   { type: { name: "INTEGER", nullable: false }, literal: 100 },
 *   { type: { name: "INTEGER", nullable: false }, literal: 256 },
 *   { type: { name: "INTEGER", nullable: false }, literal: 100000 },
 *   { type: { name: "INTEGER", nullable: false }, literal: 1 },
 *   { type: { name: "BOOLEAN", nullable: false }, literal: true },
 * ]);
 * instance.push({ Systolic: 120 }, Date.UTC(2024, 0, 1), (row) => console.log(row.ANOMALY_EXPLANATION));
 */
export function randomCutForestWithExplanation(options: TableFunctionOptions = {}): TableSqlFunction {
  const name = "RANDOM_CUT_FOREST_WITH_EXPLANATION";
  return {
    kind: "table",
    name,
    outputColumns: (input, args) => {
      forestCall(name, input, args, true);
      return withAddedColumns(name, input, [
        addedColumn(SCORE, "DOUBLE"),
        addedColumn(EXPLANATION, "VARCHAR"),
      ]);
    },
    create: (input, args) => new ForestInstance(forestCall(name, input, args, true), seedOf(options), true),
  };
}

function seedOf(options: TableFunctionOptions): number {
  return options.seed ?? DEFAULT_TABLE_FUNCTION_OPTIONS.seed;
}

/** The checkpointed state of one forest call. */
interface ForestInstanceSnapshot {
  readonly learned: number;
  readonly shingle: ShingleSnapshot;
  readonly forest: RandomCutForestSnapshot;
}

class ForestInstance implements TableFunctionInstance {
  readonly #call: ForestCall;
  readonly #seed: number;
  readonly #explain: boolean;
  readonly #names: readonly string[];
  readonly #values: Float64Array;
  readonly #shingle: Shingle;
  #forest: RandomCutForestModel;
  /** Rows learned (numeric values all present). */
  #learned = 0;
  readonly #high: Float64Array;
  readonly #low: Float64Array;

  constructor(call: ForestCall, seed: number, explain: boolean) {
    this.#call = call;
    this.#seed = seed;
    this.#explain = explain;
    this.#names = call.columns.map((c) => c.name);
    this.#values = new Float64Array(this.#names.length);
    this.#shingle = new Shingle(this.#names.length, call.shingleSize);
    this.#forest = new RandomCutForestModel(this.#settings());
    const dimensions = this.#names.length * call.shingleSize;
    this.#high = new Float64Array(dimensions);
    this.#low = new Float64Array(dimensions);
  }

  #settings() {
    const call = this.#call;
    return {
      dimensions: call.columns.length * call.shingleSize,
      numberOfTrees: call.numberOfTrees,
      sampleSize: call.subSampleSize,
      timeDecay: call.timeDecay,
      seed: this.#seed,
    };
  }

  push(row: Readonly<Record<string, SqlValue>>, rowtime: number, emit: TableEmit): void {
    if (!this.#readValues(row)) {
      emit(
        this.#explain ? { ...row, [SCORE]: null, [EXPLANATION]: null } : { ...row, [SCORE]: null },
        rowtime,
      );
      return;
    }
    this.#shingle.push(this.#values);
    this.#learned++;
    let score = 0;
    let scored = false;
    if (this.#shingle.full) {
      const point = this.#shingle.point;
      if (this.#learned > this.#call.subSampleSize && this.#forest.updates > 0) {
        score = this.#forest.score(point);
        if (this.#explain) this.#forest.attribution(point, this.#high, this.#low);
        scored = true;
      }
      this.#forest.update(point);
    }
    if (!this.#explain) {
      emit({ ...row, [SCORE]: score }, rowtime);
      return;
    }
    emit({ ...row, [SCORE]: score, [EXPLANATION]: this.#explanation(scored) }, rowtime);
  }

  /** Reads the numeric columns into #values; false when one is NULL or not finite. */
  #readValues(row: Readonly<Record<string, SqlValue>>): boolean {
    const names = this.#names;
    for (let i = 0; i < names.length; i++) {
      const value = row[names[i]!];
      if (typeof value !== "number" || !Number.isFinite(value)) return false;
      this.#values[i] = value;
    }
    return true;
  }

  #explanation(scored: boolean): string {
    const names = this.#names;
    const columns = names.length;
    const parts: string[] = [];
    for (let c = 0; c < columns; c++) {
      let high = 0;
      let low = 0;
      if (scored) {
        for (let j = 0; j < this.#call.shingleSize; j++) {
          high += this.#high[j * columns + c]!;
          low += this.#low[j * columns + c]!;
        }
      }
      const attribution = `"ATTRIBUTION_SCORE":"${(high + low).toFixed(4)}"`;
      const body = this.#call.withDirectionality
        ? `"DIRECTION":"${high > low ? "HIGH" : "LOW"}","STRENGTH":"${strength(high, low).toFixed(4)}",${attribution}`
        : attribution;
      parts.push(`${JSON.stringify(names[c])}:{${body}}`);
    }
    return `{${parts.join(",")}}`;
  }

  snapshot(): ForestInstanceSnapshot {
    return { learned: this.#learned, shingle: this.#shingle.snapshot(), forest: this.#forest.snapshot() };
  }

  restore(state: unknown): void {
    const s = state as ForestInstanceSnapshot;
    this.#learned = s.learned;
    this.#shingle.restore(s.shingle);
    this.#forest = new RandomCutForestModel(this.#settings(), s.forest);
  }
}

/** How sure the direction is: |ln(high / low)|, each part smoothed by 1/10,000 of their sum. */
function strength(high: number, low: number): number {
  const total = high + low;
  if (total <= 0) return 0;
  const smoothing = total / 10_000;
  return Math.abs(Math.log((high + smoothing) / (low + smoothing)));
}
