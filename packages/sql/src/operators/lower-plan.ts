import { type DataStream, PipelineDefinitionError } from "@eddy/core";
import type { LogicalPlan, PlanNode, PumpDef, SqlRow, StreamDef, ValuesNode } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { NotNullViolation } from "./error-rows.ts";
import { lowerOver } from "./over-aggregate.ts";
import { type LoweringContext, rowStep } from "./row-step.ts";
import { lowerFilter, lowerProject } from "./simple-nodes.ts";
import { lowerDistinct, lowerSort, lowerTSort } from "./sort-operators.ts";
import { lowerStagger } from "./stagger-aggregate.ts";
import { lowerStreamJoin } from "./stream-join.ts";
import { lowerTableFunction } from "./table-function.ts";
import { lowerTableJoin } from "./table-join.ts";
import { lowerTumblingAggregate } from "./tumbling-aggregate.ts";

/**
 * Where a lowered plan's rows come from: the caller wires sources (Kinesis, the test harness),
 * assigns ROWTIMEs and watermarks as each input's {@link RowtimePolicy} says, and loads reference
 * tables.
 *
 * @example
 * declare const ticks: DataStream<SqlRow>;
 * const sources: PlanSources = {
 *   input: () => ticks,
 *   values: () => { throw new Error("no VALUES in this application"); },
 *   referenceRows: () => [],
 * };
 */
export interface PlanSources {
  /** The rows of an input stream, ROWTIME as their timestamps, with watermarks. */
  input(name: string): DataStream<SqlRow>;
  /** The rows of a VALUES node, each stamped with the query's start, then the end of its input. */
  values(node: ValuesNode): DataStream<SqlRow>;
  /** The rows of a reference table, in the order of its columns. */
  referenceRows(table: string): readonly SqlRow[];
}

/**
 * A plan on Eddy's DSL: one stream per in-application stream and bare query, and the error stream.
 *
 * @example
 * declare const plan: LogicalPlan, sources: PlanSources;
 * const lowered: LoweredPlan = lowerPlan(plan, sources, { queryStart: Date.now() });
 * lowered.streams.get("DESTINATION_SQL_STREAM"); // the rows the application outputs
 */
export interface LoweredPlan {
  /** Rows of every input and in-application stream that the plan fills or reads, by name. */
  readonly streams: ReadonlyMap<string, DataStream<SqlRow>>;
  /** Rows of each bare query, by its name (`""` for the first). */
  readonly queries: ReadonlyMap<string, DataStream<SqlRow>>;
  /** `error_stream`'s rows (columns `ERROR_STREAM_COLUMNS`); undefined when nothing can fail. */
  readonly errors: DataStream<SqlRow> | undefined;
}

/**
 * Options of {@link lowerPlan}.
 *
 * @example
 * const options: LowerPlanOptions = { queryStart: Date.now() };
 */
export interface LowerPlanOptions {
  /** When the application started (`CURRENT_TIMESTAMP`…), epoch ms. */
  readonly queryStart: number;
}

/**
 * Lowers a logical plan onto Eddy's DSL: every pump's query becomes operators reading its
 * streams, and every in-application stream the union of the pumps that insert into it (merged
 * by the watermark: downstream operators order rows by ROWTIME, as KDA merges inserters). A
 * stream read by several pumps is lowered once and shared.
 *
 * @example
 * declare const plan: LogicalPlan, sources: PlanSources;
 * const { streams, queries, errors } = lowerPlan(plan, sources, { queryStart: Date.now() });
 */
export function lowerPlan(plan: LogicalPlan, sources: PlanSources, options: LowerPlanOptions): LoweredPlan {
  const errors: DataStream<SqlRow>[] = [];
  const streams = new Map<string, DataStream<SqlRow>>();
  const lowering = new Set<string>();
  const inputs = new Set(plan.inputs.map((input) => input.name));
  const definitions = new Map(plan.streams.map((stream) => [stream.name, stream]));

  const streamNamed = (name: string): DataStream<SqlRow> => {
    const done = streams.get(name);
    if (done) return done;
    if (lowering.has(name)) {
      throw new PipelineDefinitionError(`the pumps into stream "${name}" read it back through a cycle`);
    }
    lowering.add(name);
    let stream: DataStream<SqlRow>;
    if (inputs.has(name)) stream = sources.input(name);
    else {
      const definition = definitions.get(name);
      if (!definition)
        throw new PipelineDefinitionError(`the plan reads stream "${name}", which it does not define`);
      const pumps = plan.pumps.filter((pump) => pump.target === name);
      const filled = pumps.map((pump) => insert(pump, definition));
      stream =
        filled.length === 0
          ? sources.values({ kind: "values", rows: [], columns: definition.columns })
          : filled[0]!.union(...filled.slice(1));
    }
    lowering.delete(name);
    streams.set(name, stream);
    return stream;
  };

  const insert = (pump: PumpDef, target: StreamDef): DataStream<SqlRow> => {
    const context: LoweringContext = { queryStart: options.queryStart, pump: pump.name, errors };
    const rows = lowerNode(pump.query, context);
    const width = target.columns.length;
    const notNull = target.columns.flatMap((column, c) => (column.type.nullable ? [] : [c]));
    // The query's rows already have the target's shape (the planner cast them): no copy needed.
    const inPlace = pump.targetColumns.length === width && pump.targetColumns.every((t, i) => t === i);
    // Nothing to copy, nothing that can fail: the query's rows are the stream's.
    if (inPlace && notNull.length === 0) return rows;
    return rowStep<SqlRow>(
      rows,
      `insert(${target.name})`,
      pump.query.columns,
      context,
      (row, rowtime, _c, emit) => {
        let out = row;
        if (!inPlace) {
          const filled = new Array<SqlValue>(width).fill(null);
          for (let i = 0; i < pump.targetColumns.length; i++) filled[pump.targetColumns[i]!] = row[i] ?? null;
          out = filled;
        }
        for (let n = 0; n < notNull.length; n++) {
          const c = notNull[n]!;
          if ((out[c] ?? null) === null) {
            throw new NotNullViolation(
              `NULL inserted into column ${target.columns[c]!.name} of stream ${target.name}, which is NOT NULL`,
            );
          }
        }
        emit(out, rowtime);
      },
    );
  };

  const lowerNode = (node: PlanNode, context: LoweringContext): DataStream<SqlRow> => {
    switch (node.kind) {
      case "scan":
        return streamNamed(node.stream);
      case "values":
        return sources.values(node);
      case "filter":
        return lowerFilter(node, lowerNode(node.input, context), context);
      case "project":
        // A select list over an OVER node runs in the over's last step.
        if (node.input.kind === "over" && node.rowtime === undefined) {
          return lowerOver(node.input, lowerNode(node.input.input, context), context, node);
        }
        return lowerProject(node, lowerNode(node.input, context), context);
      case "tumbling-aggregate":
        return lowerTumblingAggregate(node, lowerNode(node.input, context), context);
      case "stagger-aggregate":
        return lowerStagger(node, lowerNode(node.input, context), context);
      case "over":
        return lowerOver(node, lowerNode(node.input, context), context);
      case "table-join":
        return lowerTableJoin(
          node,
          lowerNode(node.input, context),
          sources.referenceRows(node.table),
          context,
        );
      case "table-function":
        return lowerTableFunction(node, lowerNode(node.input, context));
      case "stream-join":
        return lowerStreamJoin(node, lowerNode(node.left, context), lowerNode(node.right, context), context);
      case "sort":
        return lowerSort(node, lowerNode(node.input, context), context);
      case "t-sort":
        return lowerTSort(node, lowerNode(node.input, context), context);
      case "distinct":
        return lowerDistinct(lowerNode(node.input, context));
      case "union": {
        const [first, ...rest] = node.inputs.map((input) => lowerNode(input, context));
        return first!.union(...rest);
      }
    }
  };

  for (const pump of plan.pumps) streamNamed(pump.target);
  const queries = new Map<string, DataStream<SqlRow>>();
  for (const query of plan.queries) {
    queries.set(query.name, lowerNode(query.query, { queryStart: options.queryStart, pump: "", errors }));
  }
  const [firstError, ...moreErrors] = errors;
  return { streams, queries, errors: firstError?.union(...moreErrors) };
}
