import { inlineWindowKey } from "../check/check-application.ts";
import type {
  CheckedApplication,
  CheckedColumn,
  CheckedQuery,
  CheckedSelect,
  CheckedSource,
  CheckedWindow,
} from "../check/checked-application.ts";
import { referencesRowtime, sameExpression } from "../check/monotonic.ts";
import type { TypedAggregate, TypedAnalytic, TypedExpression } from "../check/typed-expression.ts";
import { compileExpression } from "../expressions/compile-expression.ts";
import { compileCast } from "../functions/conversion/cast.ts";
import type { EvaluationContext } from "../functions/function-contract.ts";
import type {
  AggregateCall,
  AnalyticCall,
  CompiledExpression,
  LogicalPlan,
  OverCall,
  OverWindow,
  PlanNode,
  RowtimeBuckets,
  SqlRow,
} from "../plan/logical-plan.ts";
import type { SourceSpan } from "../syntax/ast.ts";
import type { SqlField, SqlType } from "../types/sql-type.ts";
import type { SqlInterval } from "../types/sql-value.ts";
import { outputColumn, rewrite } from "./rewrite.ts";

/**
 * What planning needs besides the checked application: when the application starts (the
 * ROWTIME and the `CURRENT_TIMESTAMP` of `VALUES` rows, which are computed once, at plan time).
 * Planning never reads the wall clock, so the same SQL always gives the same plan: without
 * `queryStart`, a `VALUES` row that reads the start time is a {@link SqlPlanError}.
 *
 * @example
 * declare const app: CheckedApplication;
 * const plan = planApplication(app, { queryStart: Date.UTC(2024, 0, 1) });
 */
export interface PlanOptions {
  /** When the application starts reading, epoch ms: `eddy-sql run` takes it from the job's clock. */
  readonly queryStart?: number;
}

/**
 * A construct the planner does not lower yet (it checks, but has no plan): the message says which.
 *
 * @example
 * declare const sql: string;
 * try {
 *   compileSql(sql, { inputs: {}, referenceTables: {} });
 * } catch (error) {
 *   if (error instanceof SqlPlanError) console.error(`not supported yet: ${error.message}`);
 * }
 */
export class SqlPlanError extends Error {
  /** Always `"SqlPlanError"`. */
  override readonly name = "SqlPlanError";
}

const fields = (columns: readonly CheckedColumn[]): SqlField[] =>
  columns.map(({ name, type }) => ({ name, type }));

function sameType(a: SqlType, b: SqlType): boolean {
  return a.name === b.name && a.length === b.length && a.precision === b.precision && a.scale === b.scale;
}

/**
 * Lowers a checked application onto the logical plan of `plan/logical-plan.ts`: each pump's
 * and bare query's SELECT becomes scan → filter (WHERE) → aggregation (tumbling GROUP BY, stagger
 * or OVER) → filter (HAVING) → project (the select list), with its expressions compiled once;
 * a pump's columns are cast to its target's types.
 */
export function planApplication(app: CheckedApplication, options: PlanOptions = {}): LogicalPlan {
  const planner = new Planner(options.queryStart);
  const streams = new Map(app.streams.map((s) => [s.name, s]));
  return {
    inputs: app.inputs.map((i) => ({ name: i.name, columns: i.columns, rowtime: { kind: "arrival" } })),
    streams: app.streams,
    referenceTables: app.referenceTables,
    pumps: app.pumps.map((pump) => {
      const target = streams.get(pump.target)!;
      const query = planner.query(pump.query);
      const wanted = pump.targetColumns.map((i) => target.columns[i]!.type);
      return {
        name: pump.name,
        target: pump.target,
        targetColumns: pump.targetColumns,
        query: castTo(query, wanted),
      };
    }),
    queries: app.queries.map((q, i) => ({ name: i === 0 ? "" : `QUERY_${i}`, query: planner.query(q) })),
  };
}

// A project that casts the columns whose types differ from the target's.
function castTo(node: PlanNode, types: readonly SqlType[]): PlanNode {
  if (node.columns.every((c, i) => sameType(c.type, types[i]!))) return node;
  const expressions = node.columns.map((column, i): CompiledExpression => {
    const to = { ...types[i]!, nullable: column.type.nullable };
    if (sameType(column.type, to)) return { type: column.type, column: i, evaluate: (row) => row[i] ?? null };
    const cast = compileCast(column.type, to);
    return { type: to, evaluate: (row, _rowtime, context) => cast(row[i] ?? null, context) };
  });
  return {
    kind: "project",
    input: node,
    expressions,
    columns: node.columns.map((c, i) => ({ name: c.name, type: expressions[i]!.type })),
  };
}

class Planner {
  constructor(private readonly queryStart: number | undefined) {}

  query(q: CheckedQuery): PlanNode {
    switch (q.kind) {
      case "values":
        return {
          kind: "values",
          rows: q.rows.map((row) => this.valuesRow(row, q.span)),
          columns: fields(q.columns),
        };
      case "union":
        return { kind: "union", inputs: q.queries.map((x) => this.query(x)), columns: fields(q.columns) };
      case "select":
        return this.select(q);
    }
  }

  private source(source: CheckedSource): PlanNode {
    const columns = fields(source.columns);
    switch (source.kind) {
      case "stream":
        if (source.role === "reference-table")
          throw new SqlPlanError(`reference table ${source.name} can only be joined with a stream`);
        return { kind: "scan", stream: source.name, columns };
      case "subquery":
        return this.query(source.query);
      case "table-function":
        return {
          kind: "table-function",
          input: this.query(source.input),
          function: source.fn,
          args: source.args,
          columns,
        };
      case "join":
        return this.join(source, columns);
    }
  }

  private join(source: Extract<CheckedSource, { kind: "join" }>, columns: SqlField[]): PlanNode {
    const condition = source.condition === undefined ? undefined : compileExpression(source.condition);
    const withCondition = condition === undefined ? {} : { condition };
    if (source.right.kind === "stream" && source.right.role === "reference-table") {
      if (source.join !== "INNER" && source.join !== "LEFT")
        throw new SqlPlanError(
          `a ${source.join} join with a reference table is not supported: put the stream on the left`,
        );
      return {
        kind: "table-join",
        joinType: source.join === "LEFT" ? "left" : "inner",
        input: this.joinSide(source.left),
        table: source.right.name,
        ...withCondition,
        columns,
      };
    }
    if (source.join === "FULL") throw new SqlPlanError("FULL joins of streams are not supported");
    const joinType = source.join === "LEFT" ? "left" : source.join === "RIGHT" ? "right" : "inner";
    return {
      kind: "stream-join",
      joinType,
      left: this.joinSide(source.left),
      right: this.joinSide(source.right),
      ...(source.left.window?.frame === undefined ? {} : { leftWindow: source.left.window.frame }),
      ...(source.right.window?.frame === undefined ? {} : { rightWindow: source.right.window.frame }),
      ...withCondition,
      columns,
    };
  }

  // A join side's rows with its ROWTIME appended, when the checker gave it that hidden column.
  private joinSide(side: CheckedSource): PlanNode {
    const node = this.source({ ...side, columns: side.columns.filter((c) => !c.hidden) });
    if (!side.columns.some((c) => c.hidden)) return node;
    const width = node.columns.length;
    const expressions: CompiledExpression[] = [
      ...node.columns.map(
        (c, i): CompiledExpression => ({ type: c.type, column: i, evaluate: (row) => row[i] ?? null }),
      ),
      { type: { name: "TIMESTAMP", nullable: false }, evaluate: (_row, rowtime) => rowtime },
    ];
    return { kind: "project", input: node, expressions, columns: fields(side.columns).slice(0, width + 1) };
  }

  private select(select: CheckedSelect): PlanNode {
    let node = this.source(select.source);
    if (select.where !== undefined)
      node = {
        kind: "filter",
        input: node,
        predicate: compileExpression(select.where),
        columns: node.columns,
      };
    let items = select.items.map((i) => i.expression);
    let having = select.having;
    let rowtime = select.rowtime;
    // A streaming ORDER BY (not T-sort) sorts the rows below the select list: its keys are
    // rewritten like the select list's, onto the aggregation's row.
    const sorting = select.within === undefined ? select.orderBy : [];
    let order = sorting.map((o) => o.expression);
    const grouped = select.groupBy.length > 0 || select.stagger !== undefined;
    if (grouped) {
      const keys = select.stagger?.partitionBy ?? select.groupBy;
      const aggregates: TypedAggregate[] = [];
      const collect = (e: TypedExpression) => rewrite(e, (x) => this.groupedColumn(x, keys, aggregates));
      items = items.map(collect);
      having = having === undefined ? undefined : collect(having);
      rowtime = rowtime === undefined ? undefined : collect(rowtime);
      order = order.map(collect);
      const keyColumns = keys.map((k, i) => ({ name: `KEY$${i}`, type: k.type }));
      const aggregateColumns = aggregates.map((a, i) => ({ name: `AGG$${i}`, type: a.type }));
      const calls = aggregates.map((a) => this.aggregateCall(a));
      const columns = [...keyColumns, ...aggregateColumns];
      node =
        select.stagger === undefined
          ? {
              kind: "tumbling-aggregate",
              input: node,
              groupKeys: keys.map((k) => compileExpression(k)),
              window: this.tumblingWindow(select),
              aggregates: calls,
              columns,
            }
          : {
              kind: "stagger-aggregate",
              input: node,
              partitionBy: keys.map((k) => compileExpression(k)),
              length: select.stagger.length,
              aggregates: calls,
              columns,
            };
    } else {
      const over: (TypedAggregate | TypedAnalytic)[] = [];
      const width = node.columns.length;
      const overColumns = (e: TypedExpression) =>
        rewrite(e, (x) => {
          if ((x.kind !== "aggregate" && x.kind !== "analytic") || x.over === undefined) return undefined;
          over.push(x);
          return outputColumn(x, width + over.length - 1, `OVER$${over.length - 1}`);
        });
      items = items.map(overColumns);
      order = order.map(overColumns);
      if (over.length > 0) node = this.overNode(node, over, select.windows);
    }
    if (having !== undefined)
      node = { kind: "filter", input: node, predicate: compileExpression(having), columns: node.columns };
    const [leading, ...rest] = order;
    if (leading !== undefined) {
      const buckets = grouped ? undefined : bucketsOf(sorting[0]!.expression);
      node = {
        kind: "sort",
        input: node,
        group: compileExpression(leading),
        ...(buckets === undefined ? {} : { buckets }),
        keys: rest.map((e, i) => {
          const descending = sorting[i + 1]!.descending;
          return { expression: compileExpression(e), descending, nullsFirst: descending };
        }),
        columns: node.columns,
      };
    }
    const expressions = items.map((e) => compileExpression(e));
    node = {
      kind: "project",
      input: node,
      expressions,
      ...(rowtime === undefined ? {} : { rowtime: compileExpression(rowtime) }),
      columns: fields(select.columns),
    };
    if (select.within !== undefined)
      node = { kind: "t-sort", input: node, within: select.within, columns: node.columns };
    if (select.distinct) node = { kind: "distinct", input: node, columns: node.columns };
    return node;
  }

  // In a grouped select: a group key becomes its key column, an aggregate call its result column.
  private groupedColumn(
    e: TypedExpression,
    keys: readonly TypedExpression[],
    aggregates: TypedAggregate[],
  ): TypedExpression | undefined {
    const key = keys.findIndex((k) => sameExpression(k, e));
    if (key !== -1) return outputColumn(e, key, `KEY$${key}`);
    if (e.kind !== "aggregate" || e.over !== undefined) return undefined;
    let index = aggregates.findIndex((a) => sameExpression(a, e));
    if (index === -1) index = aggregates.push(e) - 1;
    return outputColumn(e, keys.length + index, `AGG$${index}`);
  }

  private aggregateCall(a: TypedAggregate): AggregateCall {
    return {
      kind: "aggregate",
      name: a.fn.name,
      args: a.args.map((x) => compileExpression(x)),
      options: a.options,
      aggregate: a.fn.create(a.argInfo, a.options),
      rowtimeArgument: a.fn.rowtimeArgument ?? false,
      type: a.type,
    };
  }

  private analyticCall(a: TypedAnalytic): AnalyticCall {
    return {
      kind: "analytic",
      name: a.fn.name,
      args: a.args.map((x) => compileExpression(x)),
      evaluator: a.fn.create(a.argInfo, a.options),
      type: a.type,
    };
  }

  private overNode(
    input: PlanNode,
    calls: readonly (TypedAggregate | TypedAnalytic)[],
    windows: ReadonlyMap<string, CheckedWindow>,
  ): PlanNode {
    const keys: string[] = [];
    const overWindows: OverWindow[] = [];
    const overCalls: OverCall[] = calls.map((c) => {
      const over = c.over!;
      const key = over.kind === "named" ? over.name.name : inlineWindowKey(over.spec);
      let index = keys.indexOf(key);
      if (index === -1) {
        const window = windows.get(key)!;
        index = keys.push(key) - 1;
        overWindows.push({
          partitionBy: window.partitionBy.map((p) => compileExpression(p)),
          ...(window.frame === undefined ? {} : { frame: window.frame }),
        });
      }
      return { window: index, call: c.kind === "aggregate" ? this.aggregateCall(c) : this.analyticCall(c) };
    });
    return {
      kind: "over",
      input,
      windows: overWindows,
      calls: overCalls,
      columns: [...input.columns, ...calls.map((c, i) => ({ name: `OVER$${i}`, type: c.type }))],
    };
  }

  // A VALUES row is computed once, at the query's start (its ROWTIME too). Planning never reads
  // the wall clock, so that planning the same SQL twice gives the same plan: without a given start
  // a row that reads it (CURRENT_TIMESTAMP, ROWTIME, a TIME cast to TIMESTAMP…) is refused.
  private valuesRow(row: readonly TypedExpression[], span: SourceSpan): SqlRow {
    if (this.queryStart !== undefined) {
      const context: EvaluationContext = { rowtime: this.queryStart, queryStart: this.queryStart };
      return row.map((e) => compileExpression(e).evaluate([], this.queryStart!, context));
    }
    let readsStart = row.some(referencesRowtime);
    const context: EvaluationContext = {
      get rowtime() {
        readsStart = true;
        return 0;
      },
      get queryStart() {
        readsStart = true;
        return 0;
      },
    };
    const refusal = () =>
      new SqlPlanError(
        `the VALUES at line ${span.line}, column ${span.column} reads the query's start time (CURRENT_TIMESTAMP, ROWTIME…): plan it with a queryStart`,
      );
    let values: SqlRow;
    try {
      values = row.map((e) => compileExpression(e).evaluate([], 0, context));
    } catch (error) {
      // A value computed from a start that was not given failed: the missing start is the cause.
      throw readsStart ? refusal() : error;
    }
    if (readsStart) throw refusal();
    return values;
  }

  // STEP(ROWTIME BY interval) and FLOOR(ROWTIME TO unit) denote buckets the watermark can close;
  // such a key decides when groups close even when another monotonic key comes first. Without one,
  // the groups close when the monotonic key's value changes.
  private tumblingWindow(select: CheckedSelect): { key: number; buckets?: RowtimeBuckets } {
    for (const [key, e] of select.groupBy.entries()) {
      const buckets = bucketsOf(e);
      if (buckets !== undefined) return { key, buckets };
    }
    return { key: select.monotonicKey ?? 0 };
  }
}

const UNIT_MS: Record<string, number> = { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1_000 };

function bucketsOf(e: TypedExpression): RowtimeBuckets | undefined {
  if (e.kind !== "call" || e.args[0]?.kind !== "rowtime") return undefined;
  const setting = e.args[1];
  if (setting?.kind !== "literal") return undefined;
  if (e.fn.name === "STEP") {
    const interval = setting.value as SqlInterval;
    return interval.kind === "day-time"
      ? { kind: "fixed", size: interval.ms, offset: 0 }
      : { kind: "months", months: interval.months };
  }
  if (e.fn.name === "FLOOR" && typeof setting.value === "string") {
    const unit = setting.value.toUpperCase();
    if (unit === "YEAR") return { kind: "months", months: 12 };
    if (unit === "MONTH") return { kind: "months", months: 1 };
    const size = UNIT_MS[unit];
    return size === undefined ? undefined : { kind: "fixed", size, offset: 0 };
  }
  return undefined;
}
