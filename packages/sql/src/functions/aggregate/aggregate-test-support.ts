import type { AggregateFunction } from "@eddy/core";
import type { SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type {
  AggregateCallOptions,
  AggregateSqlFunction,
  ArgumentInfo,
  SqlFunction,
} from "../function-contract.ts";

/** Test support for the aggregates: building call sites and folding rows. */

export const PLAIN: AggregateCallOptions = { distinct: false, star: false, nulls: "respect" };

export type Rows = readonly (readonly SqlValue[])[];

export function aggregateOf(fn: SqlFunction | undefined): AggregateSqlFunction {
  if (fn?.kind !== "aggregate") throw new Error(`not an aggregate: ${fn?.name}`);
  return fn;
}

/** The call site's core aggregate, after checking the call. */
export function callSite(
  fn: SqlFunction | undefined,
  args: readonly (SqlType | ArgumentInfo)[],
  options: Partial<AggregateCallOptions> = {},
): AggregateFunction<readonly SqlValue[], unknown, SqlValue> {
  const f = aggregateOf(fn);
  const infos = args.map((a) => ("type" in a ? a : { type: a }));
  const all = { ...PLAIN, ...options };
  f.returnType(infos, all);
  return f.create(infos, all);
}

/** `create` then `add` of every row, then `result`. */
export function fold(agg: AggregateFunction<readonly SqlValue[], unknown, SqlValue>, rows: Rows): SqlValue {
  let acc = agg.create();
  for (const row of rows) acc = agg.add(acc, row);
  return agg.result(acc);
}

/** The same through the columnar form. */
export function foldColumnar(
  agg: AggregateFunction<readonly SqlValue[], unknown, SqlValue>,
  rows: Rows,
): SqlValue {
  const columnar = agg.columnar!;
  const values = new Float64Array(columnar.width + 2);
  columnar.init(values, 1);
  for (const row of rows) columnar.add(values, 1, row);
  return agg.result(columnar.read(values, 1));
}
