import type { OverFrame } from "@eddy/core";
import {
  type LogicalPlan,
  type PlanNode,
  planInputs,
  type RowtimeBuckets,
  type RowtimePolicy,
} from "../plan/logical-plan.ts";
import { formatSqlType, type SqlField } from "../types/sql-type.ts";

const INDENT = "  ";

/** A duration in milliseconds as the largest whole unit that divides it ("1h", "90s", "250ms"). */
function duration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["min", 60_000],
    ["s", 1000],
  ] as const)
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function buckets(b: RowtimeBuckets): string {
  if (b.kind === "months") return `${b.months} month${b.months === 1 ? "" : "s"}`;
  return b.offset === 0 ? duration(b.size) : `${duration(b.size)} offset ${duration(b.offset)}`;
}

function frame(f: OverFrame): string {
  return "range" in f ? `RANGE ${duration(f.range)} PRECEDING` : `ROWS ${f.rows} PRECEDING`;
}

function columns(fields: readonly SqlField[]): string {
  return `(${fields.map((f) => `${f.name} ${formatSqlType(f.type)}`).join(", ")})`;
}

function rowtime(policy: RowtimePolicy): string {
  const idle = policy.idleTimeout === undefined ? "" : `, idle after ${duration(policy.idleTimeout)}`;
  return policy.kind === "arrival"
    ? `ROWTIME = arrival time${idle}`
    : `ROWTIME = column ${policy.column}, out of order ${duration(policy.outOfOrderness)}${idle}`;
}

/** What a node does, and over which window, without its columns. */
function describe(node: PlanNode): string {
  switch (node.kind) {
    case "scan":
      return `scan ${node.stream}`;
    case "values":
      return `values ${node.rows.length} row${node.rows.length === 1 ? "" : "s"}`;
    case "filter":
    case "distinct":
    case "union":
      return node.kind;
    case "project":
      return node.rowtime === undefined ? "project" : "project, sets ROWTIME";
    case "tumbling-aggregate": {
      // Without buckets, a value change of the monotonic key closes the groups.
      const window =
        node.window.buckets === undefined
          ? ` closed when key ${node.window.key + 1} changes`
          : ` window tumbling ${buckets(node.window.buckets)}`;
      return `tumbling-aggregate${window} by ${node.groupKeys.length} key${node.groupKeys.length === 1 ? "" : "s"}: ${node.aggregates.map((a) => a.name).join(", ")}`;
    }
    case "stagger-aggregate":
      return `stagger-aggregate window stagger ${duration(node.length)} by ${node.partitionBy.length} key${node.partitionBy.length === 1 ? "" : "s"}: ${node.aggregates.map((a) => a.name).join(", ")}`;
    case "over":
      return `over ${node.windows
        .map((w, i) => {
          const calls = node.calls.filter((c) => c.window === i).map((c) => c.call.name);
          const partition = w.partitionBy.length === 0 ? "" : ` partition by ${w.partitionBy.length}`;
          return `[window ${w.frame === undefined ? "unbounded" : frame(w.frame)}${partition}: ${calls.join(", ")}]`;
        })
        .join(" ")}`;
    case "stream-join": {
      const left = node.leftWindow === undefined ? "" : ` left window ${frame(node.leftWindow)}`;
      const right = node.rightWindow === undefined ? "" : ` right window ${frame(node.rightWindow)}`;
      return `stream-join ${node.joinType}${left}${right}`;
    }
    case "table-join":
      return `table-join ${node.joinType} ${node.table}`;
    case "sort":
      return `sort${node.buckets === undefined ? "" : ` window tumbling ${buckets(node.buckets)}`} by ${node.keys.length} key${node.keys.length === 1 ? "" : "s"}`;
    case "t-sort":
      return `t-sort within ${duration(node.within)}`;
    case "table-function":
      return `table-function ${node.function.name}`;
  }
}

function explainNode(node: PlanNode, depth: number, lines: string[]): void {
  lines.push(`${INDENT.repeat(depth)}${describe(node)} ${columns(node.columns)}`);
  for (const input of planInputs(node)) explainNode(input, depth + 1, lines);
}

/**
 * A logical plan as text, one line per node: the inputs (with their ROWTIME), the reference
 * tables, then each pump and query as an indented tree read top-down from its output to its
 * scans, each node with its window (if it has one) and its columns. `eddy-sql explain` prints it.
 *
 * @example
 * const plan = compileSql('SELECT STREAM "N" FROM "S"', { inputs: { S: { N: "INTEGER" } }, referenceTables: {} });
 * console.log(explainPlan(plan));
 * // input S (N INTEGER) ROWTIME = arrival time
 * // query
 * //   project (N INTEGER)
 * //     scan S (N INTEGER)
 */
export function explainPlan(plan: LogicalPlan): string {
  const lines: string[] = [];
  for (const input of plan.inputs)
    lines.push(`input ${input.name} ${columns(input.columns)} ${rowtime(input.rowtime)}`);
  for (const table of plan.referenceTables)
    lines.push(`reference table ${table.name} ${columns(table.columns)}`);
  for (const pump of plan.pumps) {
    lines.push(`pump ${pump.name} into ${pump.target}`);
    explainNode(pump.query, 1, lines);
  }
  for (const query of plan.queries) {
    lines.push(query.name === "" ? "query" : `query ${query.name}`);
    explainNode(query.query, 1, lines);
  }
  return lines.join("\n");
}
