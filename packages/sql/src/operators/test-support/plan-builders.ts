import type {
  AggregateCallOptions,
  ArgumentInfo,
  EvaluationContext,
  SqlFunction,
} from "../../functions/function-contract.ts";
import { builtinFunctions } from "../../functions/registry.ts";
import type {
  AggregateCall,
  AnalyticCall,
  CompiledExpression,
  InputStreamDef,
  PlanNode,
  RowtimePolicy,
  SqlRow,
} from "../../plan/logical-plan.ts";
import type { SqlField, SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";

/**
 * Test support: builds logical plans by hand, the way the planner will, with the registry's real
 * functions; expressions are compiled by hand (the expression compiler is another module's).
 */

const functions = builtinFunctions();

export const T = {
  varchar: (length: number): SqlType => ({ name: "VARCHAR", length, nullable: true }),
  integer: { name: "INTEGER", nullable: true } as SqlType,
  bigint: { name: "BIGINT", nullable: true } as SqlType,
  double: { name: "DOUBLE", nullable: true } as SqlType,
  timestamp: { name: "TIMESTAMP", nullable: true } as SqlType,
  interval: { name: "INTERVAL_DAY_TIME", nullable: false } as SqlType,
};

export const field = (name: string, type: SqlType): SqlField => ({ name, type });

/** Column `index` of the input row. */
export function col(index: number, type: SqlType): CompiledExpression {
  return { type, text: `$${index}`, column: index, evaluate: (row) => row[index] ?? null };
}

/** The row's ROWTIME. */
export const rowtime: CompiledExpression = {
  type: { name: "TIMESTAMP", nullable: false },
  text: "ROWTIME",
  evaluate: (_row, at) => at,
};

/** Literal expressions and their values: the checker tells functions which arguments are literals. */
const literals = new WeakMap<CompiledExpression, SqlValue>();

/** A literal. */
export function lit(value: SqlValue, type: SqlType): CompiledExpression {
  const expression: CompiledExpression = { type, text: String(value), evaluate: () => value };
  literals.set(expression, value);
  return expression;
}

/** A scalar function or operator of the registry, called as the planner does (prepared once). */
export function call(name: string, ...args: CompiledExpression[]): CompiledExpression {
  const fn = lookup(name);
  if (fn.kind !== "scalar") throw new Error(`${name} is not scalar`);
  const infos = argumentInfos(args);
  const type = fn.returnType(infos);
  const evaluate = fn.prepare?.(infos) ?? fn.evaluate;
  return {
    type,
    text: `${name}(${args.map((a) => a.text).join(", ")})`,
    evaluate: (row: SqlRow, at: number, context: EvaluationContext) =>
      evaluate(
        args.map((arg) => arg.evaluate(row, at, context)),
        context,
      ),
  };
}

/** `STEP(x BY INTERVAL 'ms' ...)`. */
export const step = (x: CompiledExpression, ms: number) =>
  call("STEP", x, lit({ kind: "day-time", ms }, T.interval));

/** An aggregate call of the registry. */
export function aggregate(
  name: string,
  args: CompiledExpression[],
  options: Partial<AggregateCallOptions> = {},
): AggregateCall {
  const fn = lookup(name);
  if (fn.kind !== "aggregate") throw new Error(`${name} is not an aggregate`);
  const all: AggregateCallOptions = {
    distinct: false,
    star: args.length === 0,
    nulls: "respect",
    ...options,
  };
  const infos = argumentInfos(args);
  return {
    kind: "aggregate",
    name,
    args,
    options: all,
    aggregate: fn.create(infos, all),
    rowtimeArgument: fn.rowtimeArgument ?? false,
    type: fn.returnType(infos, all),
  };
}

/** An analytic call of the registry (`LAG`, `NTH_VALUE`). */
export function analytic(name: string, args: CompiledExpression[]): AnalyticCall {
  const fn = lookup(name);
  if (fn.kind !== "analytic") throw new Error(`${name} is not analytic`);
  const options: AggregateCallOptions = { distinct: false, star: false, nulls: "respect" };
  const infos = argumentInfos(args);
  return {
    kind: "analytic",
    name,
    args,
    evaluator: fn.create(infos, options),
    type: fn.returnType(infos, options),
  };
}

/** An input stream with arrival-time ROWTIME (or the policy given). */
export function input(
  name: string,
  columns: SqlField[],
  rowtime: RowtimePolicy = { kind: "arrival" },
): InputStreamDef {
  return { name, columns, rowtime };
}

/** A scan of `stream`. */
export const scan = (stream: { name: string; columns: readonly SqlField[] }): PlanNode => ({
  kind: "scan",
  stream: stream.name,
  columns: stream.columns,
});

/** The fields of a node's expressions, named. */
export function fields(names: string[], expressions: readonly { type: SqlType }[]): SqlField[] {
  return expressions.map((e, i) => field(names[i]!, e.type));
}

function lookup(name: string): SqlFunction {
  const fn = functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return fn;
}

function argumentInfos(args: readonly CompiledExpression[]): ArgumentInfo[] {
  return args.map((arg) =>
    literals.has(arg) ? { type: arg.type, literal: literals.get(arg)! } : { type: arg.type },
  );
}
