import type { DataStream } from "@eddy/core";
import { createTestHarness, type TestHarness } from "@eddy/core/testing";
import { lowerPlan } from "../operators/lower-plan.ts";
import { ERROR_STREAM, ERROR_STREAM_COLUMNS } from "../plan/error-stream.ts";
import type { InputStreamDef, LogicalPlan, SqlRow, ValuesNode } from "../plan/logical-plan.ts";
import type { SqlField } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";

/**
 * Turns SQL text into a logical plan: the planner's job. `inputs` are the streams declared by the
 * harness's `inputs` option (the application's input schema), by column name and SQL type text.
 *
 * @example
 * declare const planner: (sql: string) => LogicalPlan;
 * const compile: SqlCompiler = (sql) => planner(sql);
 */
export type SqlCompiler = (sql: string, context: SqlCompileContext) => LogicalPlan;

/**
 * What a {@link SqlCompiler} is told besides the SQL.
 *
 * @example
 * const context: SqlCompileContext = { inputs: { SOURCE_SQL_STREAM_001: { PRICE: "REAL" } }, referenceTables: {} };
 */
export interface SqlCompileContext {
  /** Input streams: stream → column → SQL type text (`"VARCHAR(4)"`). */
  readonly inputs: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Reference tables: table → column → SQL type text. */
  readonly referenceTables: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * A reference table's rows for {@link sqlHarness}: the S3 object's content as mapped rows.
 *
 * @example
 * const companies: HarnessReferenceTable = {
 *   columns: { TICKER: "VARCHAR(4)", COMPANY: "VARCHAR(64)" },
 *   rows: [{ TICKER: "AMZN", COMPANY: "Amazon" }],
 * };
 */
export interface HarnessReferenceTable {
  /** Column → SQL type text, for the compiler (a plan's own table definitions win). */
  readonly columns?: Readonly<Record<string, string>>;
  /** The rows by column name; a missing column is NULL. */
  readonly rows: readonly Readonly<Record<string, SqlValue>>[];
}

/**
 * Options of {@link sqlHarness}.
 *
 * @example
 * const options: SqlHarnessOptions = {
 *   inputs: { SOURCE_SQL_STREAM_001: { TICKER_SYMBOL: "VARCHAR(4)", PRICE: "REAL" } },
 *   queryStart: Date.UTC(2024, 0, 1),
 * };
 */
export interface SqlHarnessOptions {
  /** Input streams the SQL reads but does not create: stream → column → SQL type text. */
  readonly inputs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Reference tables by name. */
  readonly referenceTables?: Readonly<Record<string, HarnessReferenceTable>>;
  /** Compiles SQL text; required to run text until `@eddy/sql` ships its planner. */
  readonly compile?: SqlCompiler;
  /** When the application started (`CURRENT_TIMESTAMP`, `ERROR_TIME`), epoch ms; default 0. */
  readonly queryStart?: number;
}

/**
 * A row as the harness returns it: `ROWTIME` (epoch ms) and the stream's columns by name, NULL as
 * `null`, timestamps as epoch ms.
 *
 * @example
 * const row: HarnessRow = { ROWTIME: 60_000, TICKER_SYMBOL: "AMZN", TICKER_COUNT: 3 };
 */
export type HarnessRow = Record<string, SqlValue>;

/**
 * A running application fed by hand on virtual time, like the KDA console's editor with sample
 * rows. See {@link sqlHarness}.
 *
 * @example
 * declare const h: SqlHarness;
 * await h.push("SOURCE_SQL_STREAM_001", { TICKER_SYMBOL: "ABC", PRICE: 1.5 }, 1_000);
 * await h.finish();
 * h.rows("DESTINATION_SQL_STREAM");
 */
export interface SqlHarness {
  /**
   * One row of an input stream with its ROWTIME (epoch ms); a stream's rows come in ROWTIME order.
   * With an event-time ROWTIME policy the ROWTIME is the row's column and `rowtime` is ignored.
   * Pushing a row is a rowtime bound for its stream: its rows before `rowtime` are complete.
   */
  push(stream: string, row: Readonly<Record<string, SqlValue>>, rowtime: number): Promise<void>;
  /** A rowtime bound on every input: no row with a ROWTIME before `rowtime` will come. */
  advance(rowtime: number): Promise<void>;
  /** End of input: windows still open close and what operators hold is emitted. */
  finish(): Promise<void>;
  /**
   * The rows a stream received so far, in emission order: an in-application stream by name,
   * `"error_stream"`, or (no name) the application's bare `SELECT STREAM` / `VALUES` query.
   */
  rows(stream?: string): HarnessRow[];
}

/** What flows through the harness: a row and the stream it belongs to. */
interface Tagged {
  readonly stream: string;
  readonly row: SqlRow;
}

/**
 * Runs a KDA SQL application (or a logical plan) on Eddy's test harness, on virtual time: push
 * rows with their ROWTIMEs, advance time, finish, and read every stream's rows and the error
 * stream. Each stream's watermark is its last ROWTIME bound minus one millisecond (rows with the
 * same ROWTIME may still come: KDA keeps a GROUP BY open "as long as the ROWTIME value is the
 * same"); the application's watermark is the minimum over the inputs it reads.
 *
 * @example
 * declare const plan: LogicalPlan;
 * const h = await sqlHarness(plan);
 * await h.push("SOURCE_SQL_STREAM_001", { TICKER_SYMBOL: "ABC", PRICE: 1.5 }, Date.UTC(2024, 0, 1, 11, 0, 20));
 * await h.finish();
 * h.rows("DESTINATION_SQL_STREAM"); // [{ ROWTIME: ..., TICKER_SYMBOL: "ABC", ... }]
 */
export async function sqlHarness(
  source: string | LogicalPlan,
  options: SqlHarnessOptions = {},
): Promise<SqlHarness> {
  const queryStart = options.queryStart ?? 0;
  const plan = typeof source === "string" ? compileText(source, options) : source;
  const inputs = new Map(plan.inputs.map((input) => [input.name, input]));
  const columnsOf = new Map<string, readonly SqlField[]>([[ERROR_STREAM, ERROR_STREAM_COLUMNS]]);
  for (const stream of [...plan.inputs, ...plan.streams]) columnsOf.set(stream.name, stream.columns);
  for (const query of plan.queries) columnsOf.set(query.name, query.query.columns);
  const valuesNodes: ValuesNode[] = [];
  const read = new Set<string>();

  const harness: TestHarness<Tagged, Tagged> = createTestHarness(
    (all: DataStream<Tagged>) => {
      const rowsOf = (stream: string) => all.filter((t) => t.stream === stream).map((t) => t.row);
      const lowered = lowerPlan(
        plan,
        {
          input: (name) => {
            read.add(name);
            return rowsOf(name);
          },
          values: (node) => rowsOf(`values#${valuesNodes.push(node)}`),
          referenceRows: (table) => referenceRows(plan, options, table),
        },
        { queryStart },
      );
      const outputs: DataStream<Tagged>[] = [];
      const tag = (name: string, stream: DataStream<SqlRow>) =>
        outputs.push(stream.map((row) => ({ stream: name, row })));
      for (const [name, stream] of lowered.streams) if (!inputs.has(name)) tag(name, stream);
      for (const [name, stream] of lowered.queries) tag(name, stream);
      if (lowered.errors) tag(ERROR_STREAM, lowered.errors);
      const [first, ...rest] = outputs;
      return first ? first.union(...rest) : all.filter(() => false);
    },
    { startTime: queryStart },
  );

  for (const [i, node] of valuesNodes.entries()) {
    await harness.processElements(
      node.rows.map((row) => ({ value: { stream: `values#${i + 1}`, row }, timestamp: queryStart })),
    );
  }
  const bounds = new Map<string, number>([...read].map((name) => [name, Number.NEGATIVE_INFINITY]));
  let watermark = Number.NEGATIVE_INFINITY;
  const raiseWatermark = async () => {
    const next = Math.min(...bounds.values()) - 1;
    if (bounds.size > 0 && next > watermark) {
      watermark = next;
      await harness.processWatermark(next);
    }
  };

  return {
    async push(stream, record, rowtime) {
      const input = inputs.get(stream);
      if (!input)
        throw new Error(
          `push: "${stream}" is not an input stream of the application (inputs: ${[...inputs.keys()].join(", ") || "none"})`,
        );
      const row = rowOf(input, record);
      const at = input.rowtime.kind === "column" ? (row[input.rowtime.column] as number | null) : rowtime;
      if (at === null || !Number.isFinite(at))
        throw new Error(`push: the row of "${stream}" has no ROWTIME (${String(at)})`);
      const bound = bounds.get(stream) ?? Number.NEGATIVE_INFINITY;
      if (input.rowtime.kind === "arrival" && at < bound) {
        throw new Error(`push: rows of "${stream}" come in ROWTIME order; ${at} is before ${bound}`);
      }
      await harness.processElement({ stream, row }, at);
      if (!bounds.has(stream)) return;
      const reached = input.rowtime.kind === "column" ? at - input.rowtime.outOfOrderness : at;
      bounds.set(stream, Math.max(bound, reached));
      await raiseWatermark();
    },
    async advance(rowtime) {
      for (const name of bounds.keys()) bounds.set(name, Math.max(bounds.get(name)!, rowtime));
      await raiseWatermark();
    },
    finish: () => harness.endInput(),
    rows(stream = "") {
      const columns = columnsOf.get(stream);
      if (!columns) throw new Error(`rows: the application has no stream "${stream}"`);
      return harness
        .output()
        .filter((record) => record.value.stream === stream)
        .map((record) => {
          const row: HarnessRow = { ROWTIME: record.timestamp };
          columns.forEach((column, i) => {
            row[column.name] = record.value.row[i] ?? null;
          });
          return row;
        });
    },
  };
}

function compileText(sql: string, options: SqlHarnessOptions): LogicalPlan {
  if (!options.compile) {
    throw new Error(
      "sqlHarness: running SQL text needs the `compile` option until @eddy/sql's planner lands; pass a LogicalPlan instead",
    );
  }
  const referenceTables = Object.fromEntries(
    Object.entries(options.referenceTables ?? {}).map(([name, table]) => [name, table.columns ?? {}]),
  );
  return options.compile(sql, { inputs: options.inputs ?? {}, referenceTables });
}

function rowOf(input: InputStreamDef, record: Readonly<Record<string, SqlValue>>): SqlRow {
  for (const name of Object.keys(record)) {
    if (!input.columns.some((column) => column.name === name)) {
      throw new Error(
        `push: "${input.name}" has no column "${name}" (columns: ${input.columns.map((c) => c.name).join(", ")})`,
      );
    }
  }
  return input.columns.map((column) => record[column.name] ?? null);
}

function referenceRows(plan: LogicalPlan, options: SqlHarnessOptions, table: string): SqlRow[] {
  const definition = plan.referenceTables.find((t) => t.name === table);
  const given = options.referenceTables?.[table];
  if (!definition || !given)
    throw new Error(`sqlHarness: no rows given for reference table "${table}" (option referenceTables)`);
  return given.rows.map((record) => definition.columns.map((column) => record[column.name] ?? null));
}
