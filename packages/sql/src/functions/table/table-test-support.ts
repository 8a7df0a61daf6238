import { deserialize, serialize } from "node:v8";
import type { SqlField, SqlType, SqlTypeName } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type { ArgumentInfo, TableFunctionInstance } from "../function-contract.ts";

/** Test helpers for table functions: literal arguments, columns, and running an instance. */

/** A literal argument as the checker describes it. */
export function literal(value: number | string | boolean): ArgumentInfo {
  const type: SqlType =
    typeof value === "string"
      ? { name: "CHAR", length: value.length, nullable: false }
      : typeof value === "boolean"
        ? { name: "BOOLEAN", nullable: false }
        : { name: Number.isInteger(value) ? "INTEGER" : "DOUBLE", nullable: false };
  return { type, literal: value };
}

/** Literal arguments. */
export function literals(...values: (number | string | boolean)[]): ArgumentInfo[] {
  return values.map(literal);
}

/** A nullable column. */
export function column(name: string, type: SqlTypeName, length?: number): SqlField {
  return {
    name,
    type: length === undefined ? { name: type, nullable: true } : { name: type, length, nullable: true },
  };
}

/** One emitted row with its ROWTIME. */
export interface EmittedRow {
  readonly rowtime: number;
  readonly row: Readonly<Record<string, SqlValue>>;
}

/** Collects what an instance emits. */
export class Collector {
  readonly rows: EmittedRow[] = [];
  readonly emit = (row: Readonly<Record<string, SqlValue>>, rowtime: number): void => {
    this.rows.push({ row: { ...row }, rowtime });
  };

  /** The values of one column, in emission order. */
  column(name: string): SqlValue[] {
    return this.rows.map((r) => r.row[name] ?? null);
  }
}

/** The state an instance checkpoints, through the default checkpoint serde (node:v8), restored into `fresh`. */
export function restoredThroughCheckpoint(
  from: TableFunctionInstance,
  fresh: TableFunctionInstance,
): TableFunctionInstance {
  fresh.restore(deserialize(serialize(from.snapshot())));
  return fresh;
}

/** Area under the ROC curve of `scores` for telling `positives` from the rest (ties count half). */
export function areaUnderCurve(scores: readonly number[], positives: readonly boolean[]): number {
  const ranked = scores
    .map((score, i) => ({ score, positive: positives[i]! }))
    .sort((a, b) => a.score - b.score);
  // Mann–Whitney U with mid-ranks for ties.
  let rankSumPositive = 0;
  let i = 0;
  while (i < ranked.length) {
    let j = i;
    while (j + 1 < ranked.length && ranked[j + 1]!.score === ranked[i]!.score) j++;
    const midRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (ranked[k]!.positive) rankSumPositive += midRank;
    i = j + 1;
  }
  const p = positives.filter(Boolean).length;
  const n = positives.length - p;
  return (rankSumPositive - (p * (p + 1)) / 2) / (p * n);
}
