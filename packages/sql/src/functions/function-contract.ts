import type { AggregateFunction } from "@eddy/core";
import type { SqlField, SqlType } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";

/**
 * What the checker knows of one argument of a call: its type, and its value when it is a literal
 * (many KDA functions take literal settings: `W3C_LOG_PARSE(s, 'COMMON')`, `STEP(... BY INTERVAL ...)`,
 * `RANDOM_CUT_FOREST(cursor, 100, 256, 100000, 1)`).
 *
 * @example
 * const format: ArgumentInfo = { type: { name: "CHAR", length: 6, nullable: false }, literal: "COMMON" };
 */
export interface ArgumentInfo {
  /** The argument's type as the checker inferred it. */
  readonly type: SqlType;
  /** The value, when the argument is a literal (after constant folding); else absent. */
  readonly literal?: SqlValue;
}

/**
 * A call the checker refuses: the message says what was expected, e.g.
 * `STEP expects a TIMESTAMP and an INTERVAL, or two integers; got VARCHAR(4) and INTERVAL DAY TO SECOND`.
 * The checker adds line, column and the caret excerpt of the call.
 *
 * @example
 * throw new SqlFunctionError("LAG's offset must be a non-negative integer literal, got -1");
 */
export class SqlFunctionError extends Error {
  /** Always `"SqlFunctionError"`. */
  override readonly name = "SqlFunctionError";
}

/**
 * What evaluation can read besides the arguments: the row's ROWTIME and the query's start time
 * (`CURRENT_TIMESTAMP`, `LOCALTIMESTAMP`… are the query's start, the same for every row, as KDA
 * documents; `CURRENT_ROW_TIMESTAMP` is per row).
 *
 * @example
 * const context: EvaluationContext = { rowtime: Date.UTC(2024, 0, 1, 11, 0), queryStart: Date.UTC(2024, 0, 1) };
 */
export interface EvaluationContext {
  /** ROWTIME of the row being produced (epoch ms). */
  readonly rowtime: number;
  /** When the application started (epoch ms, the job's clock). */
  readonly queryStart: number;
}

/**
 * A scalar function: one value from the values of its arguments (`UPPER`, `STEP`, `CHAR_TO_TIMESTAMP`,
 * `REGEX_LOG_PARSE`...). A function throws on a runtime error (division by zero, a bad format): the
 * row goes to `error_stream` with the message, and the application goes on.
 *
 * @example
 * const upper: ScalarSqlFunction = {
 *   kind: "scalar",
 *   name: "UPPER",
 *   returnType: ([s]) => ({ ...s!.type, nullable: s!.type.nullable }),
 *   evaluate: ([s]) => (s === null ? null : (s as string).toUpperCase()),
 * };
 */
export interface ScalarSqlFunction {
  /** Discriminates the kinds of function. */
  readonly kind: "scalar";
  /** Upper case, as SQL names it. */
  readonly name: string;
  /**
   * Checks the arguments and gives the result type; throws {@link SqlFunctionError} saying what was
   * expected. Called once, at check time.
   */
  returnType(args: readonly ArgumentInfo[]): SqlType;
  /**
   * Builds the evaluator once per call site, at plan time, so literal settings (a format, a
   * regular expression) are compiled once, not per row. Optional: without it `evaluate` is used.
   */
  prepare?(
    args: readonly ArgumentInfo[],
  ): (values: readonly SqlValue[], context: EvaluationContext) => SqlValue;
  /** Evaluates one call; handles NULL arguments itself (most functions: NULL in → NULL out). */
  evaluate(values: readonly SqlValue[], context: EvaluationContext): SqlValue;
}

/**
 * An aggregate function (`SUM`, `AVG`, `STDDEV_POP`, `FIRST_VALUE`...), usable in a streaming
 * `GROUP BY`, in `WINDOWED BY STAGGER` and with `OVER` frames: it is lowered onto a core
 * `AggregateFunction` over each row's argument values, so Eddy's window and over operators run it
 * (with their O(1) sliding and columnar forms where the aggregate offers them).
 *
 * @example
 * declare const sumOfNumbers: AggregateFunction<readonly SqlValue[], unknown, SqlValue>;
 * const sqlSum: AggregateSqlFunction = {
 *   kind: "aggregate",
 *   name: "SUM",
 *   returnType: ([x]) => ({ ...x!.type, nullable: true }),
 *   create: () => sumOfNumbers,
 * };
 */
export interface AggregateSqlFunction {
  /** Discriminates the kinds of function. */
  readonly kind: "aggregate";
  /** Upper case, as SQL names it. */
  readonly name: string;
  /**
   * When true, the planner passes each row's ROWTIME (epoch ms) as one more input value after the
   * call's own arguments: `EXP_AVG(x, INTERVAL '10' SECOND)` weighs rows by their age.
   */
  readonly rowtimeArgument?: boolean;
  /** Checks the arguments (`*` for `COUNT(*)` is no argument) and gives the result type. */
  returnType(args: readonly ArgumentInfo[], options: AggregateCallOptions): SqlType;
  /**
   * The aggregation for one call site: its input is the row's evaluated arguments, in order. NULL
   * inputs are ignored (`COUNT(x)` counts non-NULL values, `COUNT(*)` rows); an empty group or frame
   * gives NULL (COUNT: 0). Result types follow KDA: the aggregate keeps the argument type (`AVG` of
   * INTEGER is a truncated INTEGER).
   */
  create(
    args: readonly ArgumentInfo[],
    options: AggregateCallOptions,
  ): AggregateFunction<readonly SqlValue[], unknown, SqlValue>;
}

/**
 * Modifiers of an aggregate call.
 *
 * @example
 * const options: AggregateCallOptions = { distinct: false, star: true, nulls: "respect" };
 */
export interface AggregateCallOptions {
  /** `COUNT(DISTINCT x)` (refused in streaming aggregation, as KDA does). */
  readonly distinct: boolean;
  /** `COUNT(*)`. */
  readonly star: boolean;
  /** `FIRST_VALUE(x) IGNORE NULLS` / `RESPECT NULLS` (the default). */
  readonly nulls: "ignore" | "respect";
  /** `NTH_VALUE(x, n) FROM LAST`; `"first"` when absent (the default). */
  readonly from?: "first" | "last";
}

/**
 * An analytic function that needs the rows of its partition in order rather than an accumulator
 * (`LAG`, `NTH_VALUE`): given the frame's rows, oldest first, and the current row last.
 *
 * @example
 * const previous: AnalyticSqlFunction = {
 *   kind: "analytic",
 *   name: "LAG",
 *   returnType: ([x]) => ({ ...x!.type, nullable: true }),
 *   create: () => ({ evaluate: (rows) => (rows.length >= 2 ? rows[rows.length - 2]![0]! : null) }),
 * };
 */
export interface AnalyticSqlFunction {
  /** Discriminates the kinds of function. */
  readonly kind: "analytic";
  /** Upper case, as SQL names it. */
  readonly name: string;
  /** Checks the arguments and gives the result type; throws {@link SqlFunctionError}. */
  returnType(args: readonly ArgumentInfo[], options: AggregateCallOptions): SqlType;
  /** The evaluator for one call site. */
  create(
    args: readonly ArgumentInfo[],
    options: AggregateCallOptions,
  ): {
    /**
     * The value for the current row. `rows` are the argument values of the partition's rows in the
     * frame (or, with no frame, every row so far that the function may need: at most `history`).
     */
    evaluate(rows: readonly (readonly SqlValue[])[]): SqlValue;
    /** Rows of history the function needs when the window has no frame of its own (LAG's offset). */
    readonly history?: number;
  };
}

/**
 * A table function, called as `TABLE(fn(CURSOR(SELECT STREAM ...), args...))`: it reads a stream
 * and writes a stream (`RANDOM_CUT_FOREST`, `HOTSPOTS`, `TOP_K_ITEMS_TUMBLING`, `GROUP_RANK`...).
 *
 * @example
 * declare const forest: TableSqlFunction;
 * const columns = forest.outputColumns([{ name: "X", type: { name: "DOUBLE", nullable: true } }], []);
 */
export interface TableSqlFunction {
  /** Discriminates the kinds of function. */
  readonly kind: "table";
  /** Upper case, as SQL names it. */
  readonly name: string;
  /**
   * The output stream's columns from the cursor's columns and the other (literal) arguments;
   * throws {@link SqlFunctionError} when they do not fit (e.g. a non-numeric column for
   * RANDOM_CUT_FOREST, a parameter out of its documented range).
   */
  outputColumns(input: readonly SqlField[], args: readonly ArgumentInfo[]): readonly SqlField[];
  /** A new instance for one running query; its state is checkpointed with `snapshot`/`restore`. */
  create(input: readonly SqlField[], args: readonly ArgumentInfo[]): TableFunctionInstance;
}

/**
 * One running table function. Rows arrive in ROWTIME order; output rows carry their own ROWTIME.
 *
 * @example
 * const passThrough: TableFunctionInstance = {
 *   push: (row, rowtime, emit) => emit(row, rowtime),
 *   snapshot: () => null,
 *   restore: () => {},
 * };
 */
export interface TableFunctionInstance {
  /** One input row (its column values by name) and its ROWTIME; `emit` writes output rows. */
  push(row: Readonly<Record<string, SqlValue>>, rowtime: number, emit: TableEmit): void;
  /**
   * Event time (ROWTIME) has advanced to `rowtime` with no row (a watermark, or the end of input
   * as `+Infinity`): tumbling functions close their windows here.
   */
  advance?(rowtime: number, emit: TableEmit): void;
  /** The instance's state as plain data (checkpoints; must survive structured clone / msgpack). */
  snapshot(): unknown;
  /** Rebuilds the state `snapshot` returned, before any row. */
  restore(state: unknown): void;
}

/**
 * Writes one output row of a table function, with its ROWTIME.
 *
 * @example
 * const rows: Record<string, SqlValue>[] = [];
 * const emit: TableEmit = (row) => void rows.push({ ...row });
 */
export type TableEmit = (row: Readonly<Record<string, SqlValue>>, rowtime: number) => void;

/**
 * Any built-in function.
 *
 * @example
 * const byName = new Map<string, SqlFunction>();
 * declare const upper: ScalarSqlFunction;
 * byName.set(upper.name, upper);
 */
export type SqlFunction = ScalarSqlFunction | AggregateSqlFunction | AnalyticSqlFunction | TableSqlFunction;
