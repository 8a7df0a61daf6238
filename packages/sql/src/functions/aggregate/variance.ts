import type { ColumnarAccumulator, SlidingAccumulator } from "@eddy/core";
import { isNumericType, type SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type { AggregateSqlFunction } from "../function-contract.ts";
import { isUntyped, withNullable } from "../support/sql-types.ts";
import {
  expectOneArgument,
  type Row,
  refuseDistinct,
  resultOfType,
  skippingNulls,
  withForms,
} from "./aggregate-support.ts";

/** Welford's running moments of the non-NULL values: count, mean, sum of squared deviations. */
export interface MomentsAccumulator {
  count: number;
  mean: number;
  m2: number;
}

function addValue(acc: MomentsAccumulator, x: number): void {
  acc.count++;
  const delta = x - acc.mean;
  acc.mean += delta / acc.count;
  acc.m2 += delta * (x - acc.mean);
}

const momentsColumns: ColumnarAccumulator<Row, MomentsAccumulator> = {
  width: 3,
  init: (values, at) => {
    values[at] = 0;
    values[at + 1] = 0;
    values[at + 2] = 0;
  },
  add: (values, at, row) => {
    const x = row[0];
    if (x === null || x === undefined) return;
    const count = values[at]! + 1;
    const delta = (x as number) - values[at + 1]!;
    const mean = values[at + 1]! + delta / count;
    values[at] = count;
    values[at + 1] = mean;
    values[at + 2] = values[at + 2]! + delta * ((x as number) - mean);
  },
  read: (values, at) => ({ count: values[at]!, mean: values[at + 1]!, m2: values[at + 2]! }),
  write: (values, at, acc) => {
    values[at] = acc.count;
    values[at + 1] = acc.mean;
    values[at + 2] = acc.m2;
  },
};

/** Chan et al.'s combination of two sets of moments. */
function mergeMoments(a: MomentsAccumulator, b: MomentsAccumulator): MomentsAccumulator {
  if (a.count === 0) return { ...b };
  if (b.count === 0) return { ...a };
  const count = a.count + b.count;
  const delta = b.mean - a.mean;
  return {
    count,
    mean: a.mean + (delta * b.count) / count,
    m2: a.m2 + b.m2 + (delta * delta * a.count * b.count) / count,
  };
}

/**
 * Moments of a FIFO of numbers without subtraction: a two-stacks queue. New values go to the back
 * (Welford's update); the front holds, for each of its values, the moments of it and every newer
 * front value, computed once when the back is moved to the front. The frame's moments are Chan's
 * combination of the front's oldest suffix and the back, as accurate as a fold of the values held
 * (removing a value from running moments instead would leave the rounding of a large evicted
 * value behind). Each value is added twice: O(1) amortized per push and evict.
 */
class SlidingMoments implements SlidingAccumulator<number, SqlValue> {
  #back: number[] = [];
  readonly #backMoments: MomentsAccumulator = { count: 0, mean: 0, m2: 0 };
  /** Suffix moments of the front, three numbers per value, oldest first. */
  #front = new Float64Array(48);
  #frontHead = 0;
  #frontLength = 0;

  constructor(private readonly finish: (moments: MomentsAccumulator) => SqlValue) {}

  push(x: number): void {
    this.#back.push(x);
    addValue(this.#backMoments, x);
  }

  evictOldest(): void {
    if (this.#frontHead === this.#frontLength) this.#flip();
    this.#frontHead++;
  }

  /** Moves the back to the front, folding suffix moments from the newest value to the oldest. */
  #flip(): void {
    const values = this.#back;
    if (this.#front.length < values.length * 3) this.#front = new Float64Array(values.length * 6);
    const running: MomentsAccumulator = { count: 0, mean: 0, m2: 0 };
    for (let i = values.length - 1; i >= 0; i--) {
      addValue(running, values[i]!);
      this.#front[i * 3] = running.count;
      this.#front[i * 3 + 1] = running.mean;
      this.#front[i * 3 + 2] = running.m2;
    }
    this.#frontHead = 0;
    this.#frontLength = values.length;
    this.#back = [];
    this.#backMoments.count = 0;
    this.#backMoments.mean = 0;
    this.#backMoments.m2 = 0;
  }

  result(): SqlValue {
    if (this.#frontHead === this.#frontLength) return this.finish(this.#backMoments);
    const at = this.#frontHead * 3;
    const front = { count: this.#front[at]!, mean: this.#front[at + 1]!, m2: this.#front[at + 2]! };
    return this.finish(mergeMoments(front, this.#backMoments));
  }
}

type Statistic = "VAR_POP" | "VAR_SAMP" | "STDDEV_POP" | "STDDEV_SAMP";

function statistic(name: Statistic): AggregateSqlFunction {
  const sample = name.endsWith("SAMP");
  const root = name.startsWith("STDDEV");
  const numeric = (type: SqlType) => isNumericType(type) || isUntyped(type);
  return {
    kind: "aggregate",
    name,
    returnType: (args, options) => {
      refuseDistinct(name, options);
      return withNullable(expectOneArgument(name, args, numeric, "one number"), true);
    },
    create: (args) => {
      const toType = resultOfType(args[0]!.type);
      const finish = (m: MomentsAccumulator): SqlValue => {
        if (m.count === 0 || (sample && m.count === 1)) return null;
        const variance = m.m2 / (sample ? m.count - 1 : m.count);
        return toType(root ? Math.sqrt(variance) : variance);
      };
      return withForms<MomentsAccumulator>(
        {
          create: () => ({ count: 0, mean: 0, m2: 0 }),
          add: (acc, row) => {
            const x = row[0];
            if (x !== null && x !== undefined) addValue(acc, x as number);
            return acc;
          },
          merge: mergeMoments,
          result: finish,
        },
        {
          columnar: momentsColumns,
          sliding: () =>
            skippingNulls(new SlidingMoments(finish), (row) => (row[0] ?? null) as number | null),
        },
      );
    },
  };
}

/**
 * VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP of numbers, NULLs ignored: NULL with no value (the
 * sample forms also with one). Welford's algorithm (Chan's formula to merge); the result keeps the
 * argument's type as KDA's aggregates do. Columnar in windows; O(1) amortized in sliding frames.
 */
export const varianceFunctions: readonly AggregateSqlFunction[] = [
  statistic("VAR_POP"),
  statistic("VAR_SAMP"),
  statistic("STDDEV_POP"),
  statistic("STDDEV_SAMP"),
];
