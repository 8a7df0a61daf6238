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
 * Moments of a FIFO of numbers: Welford's update to add, its inverse to remove, and a rebuild
 * from the values held once as many were removed as are held (amortized O(1)), so the rounding
 * that removals leave behind does not accumulate.
 */
class SlidingMoments implements SlidingAccumulator<number, SqlValue> {
  #values = new Float64Array(16);
  #head = 0;
  #length = 0;
  #removedSinceRebuild = 0;
  readonly #moments: MomentsAccumulator = { count: 0, mean: 0, m2: 0 };

  constructor(private readonly finish: (moments: MomentsAccumulator) => SqlValue) {}

  push(x: number): void {
    if (this.#length === this.#values.length) {
      const values = new Float64Array(this.#values.length * 2);
      for (let i = 0; i < this.#length; i++)
        values[i] = this.#values[(this.#head + i) % this.#values.length]!;
      this.#values = values;
      this.#head = 0;
    }
    this.#values[(this.#head + this.#length) % this.#values.length] = x;
    this.#length++;
    addValue(this.#moments, x);
  }

  evictOldest(): void {
    const x = this.#values[this.#head]!;
    this.#head = (this.#head + 1) % this.#values.length;
    this.#length--;
    const m = this.#moments;
    if (++this.#removedSinceRebuild >= this.#length || !Number.isFinite(x)) {
      this.#rebuild();
      return;
    }
    const count = m.count - 1;
    const mean = (m.mean * m.count - x) / count;
    m.m2 = Math.max(0, m.m2 - (x - m.mean) * (x - mean));
    m.mean = mean;
    m.count = count;
  }

  #rebuild(): void {
    const m = this.#moments;
    m.count = 0;
    m.mean = 0;
    m.m2 = 0;
    this.#removedSinceRebuild = 0;
    for (let i = 0; i < this.#length; i++) addValue(m, this.#values[(this.#head + i) % this.#values.length]!);
  }

  result(): SqlValue {
    return this.finish(this.#moments);
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
      const type = args[0]!.type;
      const finish = (m: MomentsAccumulator): SqlValue => {
        if (m.count === 0 || (sample && m.count === 1)) return null;
        const variance = m.m2 / (sample ? m.count - 1 : m.count);
        return resultOfType(root ? Math.sqrt(variance) : variance, type);
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
