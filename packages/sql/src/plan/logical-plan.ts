import type { AggregateFunction, OverFrame } from "@eddy/core";
import type {
  AggregateCallOptions,
  AnalyticSqlFunction,
  ArgumentInfo,
  EvaluationContext,
  TableSqlFunction,
} from "../functions/function-contract.ts";
import type { SqlField, SqlType } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";

/**
 * One row of a stream: its column values in the order of the stream's (or node's) `columns`.
 * ROWTIME is not a column: it travels beside the row as the element's timestamp (epoch ms), as
 * KDA keeps it a system column that `SELECT STREAM *` does not show.
 *
 * @example
 * // CREATE STREAM s (TICKER VARCHAR(4), PRICE REAL)
 * const row: SqlRow = ["AMZN", 101.5];
 */
export type SqlRow = readonly SqlValue[];

/**
 * An expression compiled by the expression compiler: it reads columns of its input row by
 * position. `rowtime` is the ROWTIME of the row being evaluated (unqualified `ROWTIME` in a
 * select list, the argument of `STEP(ROWTIME BY ...)`); `context.rowtime` always equals it, so an
 * operator may keep one mutable context object and set its `rowtime` before each row.
 *
 * A runtime failure (division by zero, a failed cast, a bad format) throws a `SqlFunctionError`:
 * the operator sends the row to `error_stream` and goes on (reference §8).
 *
 * @example
 * // PRICE * 2 over the row [TICKER, PRICE]
 * const doubled: CompiledExpression = {
 *   type: { name: "REAL", nullable: true },
 *   evaluate: (row) => (row[1] === null ? null : Math.fround((row[1] as number) * 2)),
 * };
 */
export interface CompiledExpression {
  /** The expression's type as the checker inferred it. */
  readonly type: SqlType;
  /** The value for one row; throws `SqlFunctionError` on a runtime error. */
  evaluate(row: SqlRow, rowtime: number, context: EvaluationContext): SqlValue;
  /** The SQL text it came from, for `explain` and error messages; optional. */
  readonly text?: string;
  /**
   * Set when the expression is the input row's column at this index, unchanged (`evaluate`
   * returns `row[column] ?? null` and cannot fail): operators may read the column in place
   * rather than keep the evaluated value beside the row.
   */
  readonly column?: number;
}

/**
 * How an input stream's rows get their ROWTIME.
 *
 * - `arrival` (the default, and KDA's behaviour): the record's arrival time at the source stream
 *   (Kinesis `ApproximateArrivalTimestamp`, Firehose's arrival timestamp), so replaying the
 *   stream gives the same rows. Each shard's arrival times are non-decreasing.
 * - `column`: an event-time column of the input (a TIMESTAMP) becomes ROWTIME; rows may then be
 *   out of order by up to `outOfOrderness` ms before they count as late (see `docs/sql/semantics.md`).
 *
 * Watermarks are per shard; a shard silent for `idleTimeout` ms stops holding the watermark back.
 *
 * @example
 * const arrival: RowtimePolicy = { kind: "arrival" };
 * const eventTime: RowtimePolicy = { kind: "column", column: 2, outOfOrderness: 5_000, idleTimeout: 30_000 };
 */
export type RowtimePolicy =
  | {
      /** Discriminates the kinds of node. */
      readonly kind: "arrival";
      /** A shard silent this long (ms) stops holding the watermark back; absent: never idle. */
      readonly idleTimeout?: number;
    }
  | {
      /** Discriminates the kinds of node. */
      readonly kind: "column";
      /** Index of the TIMESTAMP column in the input's `columns`. */
      readonly column: number;
      /** How far (ms) rows may lag the greatest ROWTIME seen on their shard before they are late. */
      readonly outOfOrderness: number;
      /** A shard silent this long (ms) stops holding the watermark back; absent: never idle. */
      readonly idleTimeout?: number;
    };

/**
 * An input in-application stream (`SOURCE_SQL_STREAM_001` …): rows mapped from the streaming
 * source by the application's input schema (`application/`), in the order of `columns`.
 *
 * @example
 * const input: InputStreamDef = {
 *   name: "SOURCE_SQL_STREAM_001",
 *   columns: [
 *     { name: "TICKER_SYMBOL", type: { name: "VARCHAR", length: 4, nullable: true } },
 *     { name: "PRICE", type: { name: "REAL", nullable: true } },
 *   ],
 *   rowtime: { kind: "arrival" },
 * };
 */
export interface InputStreamDef {
  /** Exact case, as KDA quotes input stream names. */
  readonly name: string;
  /** The stream's columns (including `APPROXIMATE_ARRIVAL_TIME` when the planner exposes it). */
  readonly columns: readonly SqlField[];
  /** Where ROWTIME comes from. */
  readonly rowtime: RowtimePolicy;
}

/**
 * An in-application stream made by `CREATE [OR REPLACE] STREAM`: pumps insert into it, queries and
 * other pumps read it, outputs deliver it. Several pumps writing one stream are merged in ROWTIME
 * order (reference §1, §4: "merges several inserters so ROWTIME stays ascending").
 *
 * @example
 * const destination: StreamDef = {
 *   name: "DESTINATION_SQL_STREAM",
 *   columns: [{ name: "TICKER", type: { name: "VARCHAR", length: 4, nullable: false } }],
 * };
 */
export interface StreamDef {
  /** Upper-case function name, for `explain`. */
  readonly name: string;
  /** Column types as declared; a `NOT NULL` column (nullable false) refuses NULL (error stream). */
  readonly columns: readonly SqlField[];
}

/**
 * A reference table (`ReferenceDataSources`): finite rows loaded from S3 when the application
 * starts (or given by the test harness), joined by stream rows.
 *
 * @example
 * const companies: ReferenceTableDef = {
 *   name: "COMPANIES",
 *   columns: [{ name: "TICKER", type: { name: "VARCHAR", length: 4, nullable: true } }],
 * };
 */
export interface ReferenceTableDef {
  /** Exact case, as the application description names it. */
  readonly name: string;
  /** The table's columns, in row order. */
  readonly columns: readonly SqlField[];
}

/**
 * One aggregate call in a tumbling GROUP BY, a stagger window or an OVER clause: the registry's
 * aggregate already created for its call site (`AggregateSqlFunction.create`), fed with the
 * evaluated `args` of each row (plus the row's ROWTIME last when `rowtimeArgument` is true, as
 * `EXP_AVG` wants).
 *
 * @example
 * declare const sum: AggregateFunction<readonly SqlValue[], unknown, SqlValue>;
 * declare const price: CompiledExpression;
 * const call: AggregateCall = {
 *   kind: "aggregate",
 *   name: "SUM",
 *   args: [price],
 *   options: { distinct: false, star: false, nulls: "respect" },
 *   aggregate: sum,
 *   rowtimeArgument: false,
 *   type: { name: "REAL", nullable: true },
 * };
 */
export interface AggregateCall {
  /** Discriminates the kinds of node. */
  readonly kind: "aggregate";
  /** Upper-case function name, for `explain`. */
  readonly name: string;
  /** The call's arguments, evaluated on each input row (`COUNT(*)` has none). */
  readonly args: readonly CompiledExpression[];
  /** `DISTINCT`, `*`, `IGNORE NULLS`… of the call. */
  readonly options: AggregateCallOptions;
  /** The core aggregation of this call site, over the evaluated argument values. */
  readonly aggregate: AggregateFunction<readonly SqlValue[], unknown, SqlValue>;
  /** The row's ROWTIME is appended to the argument values. */
  readonly rowtimeArgument: boolean;
  /** Result type. */
  readonly type: SqlType;
}

/**
 * An analytic call that reads the rows of its frame rather than an accumulator (`LAG`,
 * `NTH_VALUE`): the registry's evaluator for its call site, given the evaluated `args` of the
 * frame's rows, oldest first, current row last.
 *
 * @example
 * declare const lag: ReturnType<AnalyticSqlFunction["create"]>;
 * declare const price: CompiledExpression;
 * const call: AnalyticCall = { kind: "analytic", name: "LAG", args: [price], evaluator: lag, type: price.type };
 */
export interface AnalyticCall {
  /** Discriminates the kinds of node. */
  readonly kind: "analytic";
  /** Upper-case function name, for `explain`. */
  readonly name: string;
  /** The call's arguments, evaluated on each row of the frame. */
  readonly args: readonly CompiledExpression[];
  /** The registry's evaluator for this call site. */
  readonly evaluator: ReturnType<AnalyticSqlFunction["create"]>;
  /** Result type. */
  readonly type: SqlType;
}

/**
 * The time buckets a tumbling GROUP BY's ROWTIME key denotes, when the planner recognises it:
 *
 * - `fixed`: `STEP(ROWTIME BY INTERVAL 'n' unit)` (day-time interval) and `FLOOR(ROWTIME TO
 *   DAY|HOUR|MINUTE|SECOND)`: epoch-aligned buckets of `size` ms (`start = floor((t − offset) /
 *   size) * size + offset`; `offset` 0 unless said otherwise);
 * - `months`: `FLOOR(ROWTIME TO MONTH|YEAR)` and `STEP(ROWTIME BY INTERVAL 'n' MONTH|YEAR)`:
 *   calendar buckets of `months` months from 1970-01 (UTC).
 *
 * @example
 * const perMinute: RowtimeBuckets = { kind: "fixed", size: 60_000, offset: 0 };
 * const perYear: RowtimeBuckets = { kind: "months", months: 12 };
 */
export type RowtimeBuckets =
  | {
      /** Discriminates the kinds of node. */
      readonly kind: "fixed";
      /** Bucket width in ms. */
      readonly size: number;
      /** Alignment of the buckets from the epoch, in ms. */
      readonly offset: number;
    }
  | {
      /** Discriminates the kinds of node. */
      readonly kind: "months";
      /** Bucket width in calendar months. */
      readonly months: number;
    };

/**
 * What every node has: its output columns. Rows are {@link SqlRow}s in this order, with ROWTIME
 * beside them.
 *
 * @example
 * const empty: PlanNodeBase = { columns: [] };
 */
export interface PlanNodeBase {
  /** The output columns, in row order. */
  readonly columns: readonly SqlField[];
}

/**
 * A node with one input.
 *
 * @example
 * declare const node: UnaryPlanNode;
 * const sameShape = node.columns.length === node.input.columns.length;
 */
export interface UnaryPlanNode extends PlanNodeBase {
  /** The node whose rows this one reads. */
  readonly input: PlanNode;
}

/**
 * Reads an input or in-application stream by name: the leaf of a pump's or query's tree. Its rows
 * and ROWTIMEs are the stream's (several pumps into one stream already merged in ROWTIME order).
 *
 * @example
 * const scan: ScanNode = { kind: "scan", stream: "SOURCE_SQL_STREAM_001", columns: [] };
 */
export interface ScanNode extends PlanNodeBase {
  /** Discriminates the kinds of node. */
  readonly kind: "scan";
  /** The input or in-application stream's name, exact case. */
  readonly stream: string;
}

/**
 * `VALUES (...), (...)` (a bare query, a pump's source or `FROM (VALUES ...) AS t(x, y)`): finite
 * rows, each with ROWTIME = the query's start time, then the end of input.
 *
 * @example
 * const values: ValuesNode = {
 *   kind: "values",
 *   rows: [[1], [2]],
 *   columns: [{ name: "X", type: { name: "INTEGER", nullable: false } }],
 * };
 */
export interface ValuesNode extends PlanNodeBase {
  /** Discriminates the kinds of node. */
  readonly kind: "values";
  /** The rows, in order. */
  readonly rows: readonly SqlRow[];
}

/**
 * `WHERE` / `HAVING`: passes the rows for which `predicate` is TRUE (FALSE and UNKNOWN drop the
 * row). Rows and ROWTIMEs unchanged. A predicate that throws sends the row to the error stream.
 *
 * @example
 * declare const input: PlanNode;
 * declare const priceAbove100: CompiledExpression;
 * const filter: FilterNode = { kind: "filter", input, predicate: priceAbove100, columns: input.columns };
 */
export interface FilterNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "filter";
  /** The condition; the row passes when it is TRUE. */
  readonly predicate: CompiledExpression;
}

/**
 * A select list: one output column per expression, evaluated on the input row; ROWTIME is the
 * input's (reference §6). `rowtime`, when present, is the select item aliased `AS ROWTIME`: its
 * value (a TIMESTAMP; NULL drops the row, as T-sort does) becomes the row's ROWTIME. The planner
 * puts it only under a {@link TSortNode}, which restores ROWTIME order.
 *
 * The planner also uses projections to map a pump's query onto its target (positional, with the
 * casts assignment needs) and to expose a join side's `s.ROWTIME` as a column.
 *
 * @example
 * declare const input: PlanNode;
 * declare const ticker: CompiledExpression;
 * const project: ProjectNode = {
 *   kind: "project",
 *   input,
 *   expressions: [ticker],
 *   columns: [{ name: "TICKER", type: ticker.type }],
 * };
 */
export interface ProjectNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "project";
  /** One expression per output column. */
  readonly expressions: readonly CompiledExpression[];
  /** The select item aliased `AS ROWTIME`, whose value becomes the row's ROWTIME. */
  readonly rowtime?: CompiledExpression;
}

/**
 * A streaming `GROUP BY` (tumbling window, reference §7.1). `groupKeys` are every GROUP BY
 * expression in order; `window.key` indexes the monotonic one (`STEP(s.ROWTIME BY INTERVAL '1'
 * MINUTE)`, `FLOOR(s.ROWTIME TO HOUR)`, or `MONOTONIC(col)`); the others partition the window.
 *
 * Output row: the group key values, then one value per aggregate call (the planner puts a project
 * for the select list and a filter for HAVING on top). One row per group; empty windows emit
 * nothing.
 *
 * When `window.buckets` is given the key is a function of ROWTIME: a window closes when the
 * watermark (ROWTIME of the input, or a rowtime bound) passes its end, and its rows carry ROWTIME =
 * the window's END (A1: the stagger-window page's 11:00 window → 11:01:00). Without `buckets` the
 * key is only known to be monotonic: the groups of its value close when a row with another value
 * arrives, their rows carrying that row's ROWTIME, or at the end of input, carrying the greatest
 * ROWTIME seen; a row whose value is below the last one goes to the error stream. Rows emitted at
 * one instant are ordered by their group keys (A16). Late rows (older than an already closed
 * window) go to the error stream, per `docs/sql/semantics.md` (A2).
 *
 * @example
 * declare const input: PlanNode;
 * declare const minute: CompiledExpression; // STEP(ROWTIME BY INTERVAL '1' MINUTE)
 * declare const ticker: CompiledExpression;
 * declare const countStar: AggregateCall;
 * const perMinute: TumblingAggregateNode = {
 *   kind: "tumbling-aggregate",
 *   input,
 *   groupKeys: [ticker, minute],
 *   window: { key: 1, buckets: { kind: "fixed", size: 60_000, offset: 0 } },
 *   aggregates: [countStar],
 *   columns: [],
 * };
 */
export interface TumblingAggregateNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "tumbling-aggregate";
  /** Every GROUP BY expression, in order. */
  readonly groupKeys: readonly CompiledExpression[];
  /** Which group key is the monotonic one, and what buckets it denotes. */
  readonly window: {
    /** Index in `groupKeys` of the monotonic grouping expression. */
    readonly key: number;
    /** The ROWTIME buckets it denotes, when it is STEP/FLOOR of ROWTIME. */
    readonly buckets?: RowtimeBuckets;
  };
  /** The aggregate calls, in select-list order. */
  readonly aggregates: readonly AggregateCall[];
  /** Group keys, then aggregates. */
  readonly columns: readonly SqlField[];
}

/**
 * `WINDOWED BY STAGGER (PARTITION BY k, ... RANGE INTERVAL 'n' unit)` (reference §7.3): a window
 * per partition key, opened by the first row of that key at its ROWTIME `open`, holding that
 * key's rows with ROWTIME in [open, open + length) and closed when the watermark reaches
 * `open + length` — not aligned on the clock. Its row carries ROWTIME = open + length. A row of
 * the key arriving at or after the close opens the key's next window (A3).
 *
 * Output row: the partition key values, then one value per aggregate call; the planner adds the
 * select list and HAVING on top.
 *
 * @example
 * declare const input: PlanNode;
 * declare const ticker: CompiledExpression;
 * declare const countStar: AggregateCall;
 * const stagger: StaggerAggregateNode = {
 *   kind: "stagger-aggregate",
 *   input,
 *   partitionBy: [ticker],
 *   length: 60_000,
 *   aggregates: [countStar],
 *   columns: [],
 * };
 */
export interface StaggerAggregateNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "stagger-aggregate";
  /** `PARTITION BY` expressions, evaluated on each row. */
  readonly partitionBy: readonly CompiledExpression[];
  /** Window length in ms. */
  readonly length: number;
  /** The aggregate calls, in select-list order. */
  readonly aggregates: readonly AggregateCall[];
  /** Partition keys, then aggregates. */
  readonly columns: readonly SqlField[];
}

/**
 * One window of an OVER clause (inline or named `WINDOW w AS (...)`): its partition keys and its
 * frame — `{ range: ms }` for `RANGE INTERVAL ... PRECEDING` (rows with ROWTIME ≥ current − ms,
 * the bound inclusive; `RANGE CURRENT ROW` is `{ range: 0 }`), `{ rows: n }` for `ROWS n
 * PRECEDING` (`ROWS CURRENT ROW` is `{ rows: 0 }`). No frame: every earlier row of the partition
 * (analytic calls keep only the `history` they need).
 *
 * @example
 * declare const ticker: CompiledExpression;
 * const lastHour: OverWindow = { partitionBy: [ticker], frame: { range: 3_600_000 } };
 */
export interface OverWindow {
  /** `PARTITION BY` expressions, evaluated on each row. */
  readonly partitionBy: readonly CompiledExpression[];
  /** The frame; absent: every earlier row of the partition. */
  readonly frame?: OverFrame;
}

/**
 * One call of an OVER node: the aggregate or analytic call and the window it runs over.
 *
 * @example
 * declare const maxPrice: AggregateCall;
 * const call: OverCall = { window: 0, call: maxPrice };
 */
export interface OverCall {
  /** Index of the call's window in {@link OverNode.windows}. */
  readonly window: number;
  /** The call. */
  readonly call: AggregateCall | AnalyticCall;
}

/**
 * Sliding-window aggregation (`agg(x) OVER w`, reference §7.2): one output row per input row,
 * emitted when the row is processed, with the input's ROWTIME; nothing is emitted when rows
 * merely leave a frame. The frame holds the current row and the rows of its partition that
 * arrived before it (a peer with the same ROWTIME arriving later is not in it: A19).
 *
 * Output row: the input's columns, then one value per call (each call names its window in
 * `windows`, as a SELECT may use several: the seed FX query's W1 and R1).
 *
 * @example
 * declare const input: PlanNode;
 * declare const maxPrice: AggregateCall;
 * declare const lastHour: OverWindow;
 * const over: OverNode = {
 *   kind: "over",
 *   input,
 *   windows: [lastHour],
 *   calls: [{ window: 0, call: maxPrice }],
 *   columns: [],
 * };
 */
export interface OverNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "over";
  /** The windows the calls name (inline `OVER (...)` or named `WINDOW w AS (...)`). */
  readonly windows: readonly OverWindow[];
  /** The calls, in select-list order. */
  readonly calls: readonly OverCall[];
  /** The input's columns, then one per call. */
  readonly columns: readonly SqlField[];
}

/**
 * The time window of one side of a stream–stream join: `<stream> OVER (RANGE INTERVAL ...
 * PRECEDING)` is `{ range: ms }`, `OVER (ROWS n PRECEDING)` is `{ rows: n }`; a side with no
 * window takes part with its current row only (reference §7.4).
 *
 * @example
 * const lastMinute: JoinWindow = { range: 60_000 };
 */
export type JoinWindow = OverFrame;

/**
 * A stream–stream join (reference §7.4). A row of one side matches the rows of the other side
 * that are in that side's window when the row arrives (`left.window = { range: w }`: left rows
 * with ROWTIME in [t − w, t] for a right row at t), and for which `condition` is TRUE on the
 * joined row (left columns, then right columns). A matched row's ROWTIME is the later of the two
 * ROWTIMEs. Joined rows leave in ROWTIME order.
 *
 * LEFT (RIGHT) joins also emit each left (right) row that matched nothing, padded with NULLs,
 * once no row of the other side can still match it: with ROWTIME = its own ROWTIME plus its own
 * side's window length (order at 10:00:20, 1-minute window → 10:01:20), the later of its ROWTIME
 * and that bound. `equiKeys`, when the condition contains equalities between the sides, lets the
 * operator index each side by key; `condition` still decides.
 *
 * @example
 * declare const orders: PlanNode;
 * declare const shipments: PlanNode;
 * declare const sameOrder: CompiledExpression;
 * const join: StreamJoinNode = {
 *   kind: "stream-join",
 *   joinType: "left",
 *   left: orders,
 *   right: shipments,
 *   leftWindow: { range: 60_000 },
 *   condition: sameOrder,
 *   columns: [...orders.columns, ...shipments.columns],
 * };
 */
export interface StreamJoinNode extends PlanNodeBase {
  /** Discriminates the kinds of node. */
  readonly kind: "stream-join";
  /** INNER, or which side's unmatched rows are kept. */
  readonly joinType: "inner" | "left" | "right";
  /** The left input. */
  readonly left: PlanNode;
  /** The right input. */
  readonly right: PlanNode;
  /** The window of the left side (`left OVER (...)`); absent: only its current row. */
  readonly leftWindow?: JoinWindow;
  /** The window of the right side; absent: only its current row. */
  readonly rightWindow?: JoinWindow;
  /** Evaluated on the joined row; absent for a CROSS join (every pair in the windows matches). */
  readonly condition?: CompiledExpression;
  /** Equalities of the condition: `left[i]` on left rows equals `right[i]` on right rows. */
  readonly equiKeys?: {
    /** Key expressions on left rows. */
    readonly left: readonly CompiledExpression[];
    /** Key expressions on right rows, in the same order. */
    readonly right: readonly CompiledExpression[];
  };
  /** Left columns, then right columns (an outer join's missing side is NULLs). */
  readonly columns: readonly SqlField[];
}

/**
 * A join of a stream with a reference table (reference §7.4): each stream row is joined, when it
 * arrives, with the table's rows for which `condition` is TRUE on the joined row (stream columns,
 * then table columns), keeping the stream row's ROWTIME. `left` keeps a stream row that matched
 * nothing, padded with NULLs. The planner turns `table JOIN stream` into this shape with a project.
 *
 * @example
 * declare const trades: PlanNode;
 * declare const sameTicker: CompiledExpression;
 * declare const tickerColumn: CompiledExpression;
 * const enrich: TableJoinNode = {
 *   kind: "table-join",
 *   joinType: "left",
 *   input: trades,
 *   table: "COMPANIES",
 *   condition: sameTicker,
 *   equiKeys: { stream: [tickerColumn], table: [0] },
 *   columns: [],
 * };
 */
export interface TableJoinNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "table-join";
  /** INNER, or which side's unmatched rows are kept. */
  readonly joinType: "inner" | "left";
  /** The reference table's name (a {@link ReferenceTableDef}). */
  readonly table: string;
  /** Evaluated on the joined row; absent: every row matches. */
  readonly condition?: CompiledExpression;
  /** Equalities of the condition: `stream[i]` on the stream row equals the table's column `table[i]`. */
  readonly equiKeys?: {
    /** Key expressions on the stream row. */
    readonly stream: readonly CompiledExpression[];
    /** The table columns (indexes) they equal, in the same order. */
    readonly table: readonly number[];
  };
  /** Stream columns, then table columns. */
  readonly columns: readonly SqlField[];
}

/**
 * One key of an ORDER BY.
 *
 * @example
 * declare const score: CompiledExpression;
 * const byScore: SortKey = { expression: score, descending: true, nullsFirst: false };
 */
export interface SortKey {
  /** The sort expression, evaluated on each row. */
  readonly expression: CompiledExpression;
  /** `DESC`. */
  readonly descending: boolean;
  /** SQL's default: NULLs last ascending, first descending. */
  readonly nullsFirst: boolean;
}

/**
 * Streaming `ORDER BY <monotonic>, k2, ...` (reference §7.5): gathers the rows for which the
 * leading monotonic expression (`group`, e.g. `FLOOR(s.ROWTIME TO SECOND)`) has one value, and
 * when it changes (a later row or the watermark passes the group) emits them sorted by `keys`
 * (stable: ties keep arrival order). Each emitted row carries the greatest ROWTIME of its group,
 * so the stream stays in ROWTIME order.
 *
 * @example
 * declare const input: PlanNode;
 * declare const second: CompiledExpression;
 * declare const byScore: SortKey;
 * const sort: SortNode = { kind: "sort", input, group: second, keys: [byScore], columns: input.columns };
 */
export interface SortNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "sort";
  /** The leading monotonic expression: rows with one value of it are sorted together. */
  readonly group: CompiledExpression;
  /** When `group` is STEP/FLOOR of ROWTIME: its buckets, so the watermark can close a group. */
  readonly buckets?: RowtimeBuckets;
  /** The ORDER BY keys after the leading one. */
  readonly keys: readonly SortKey[];
}

/**
 * T-sort, `ORDER BY <timestamp> WITHIN <interval>` (reference §7.5): re-orders rows whose ROWTIME
 * (set by the project below from the select item aliased ROWTIME) is only partially ordered.
 * Rows are held until the greatest ROWTIME seen passes theirs by `within` ms, then emitted in
 * ROWTIME order; a row older than the last emitted ROWTIME is late (error stream, A2).
 *
 * @example
 * declare const input: PlanNode;
 * const tsort: TSortNode = { kind: "t-sort", input, within: 60_000, columns: input.columns };
 */
export interface TSortNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "t-sort";
  /** The WITHIN interval in ms. */
  readonly within: number;
}

/**
 * `TABLE(fn(CURSOR(SELECT STREAM ...), args...))` (`RANDOM_CUT_FOREST`, `HOTSPOTS`,
 * `TOP_K_ITEMS_TUMBLING`, `GROUP_RANK`…): the registry's table function, instantiated per running
 * query with `function.create(input.columns, args)`. Rows reach it by column name in ROWTIME
 * order; its output rows carry the ROWTIMEs it gives them.
 *
 * @example
 * declare const input: PlanNode;
 * declare const forest: TableSqlFunction;
 * const scores: TableFunctionNode = { kind: "table-function", input, function: forest, args: [], columns: [] };
 */
export interface TableFunctionNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "table-function";
  /** The registry's table function. */
  readonly function: TableSqlFunction;
  /** The arguments after the cursor (literal settings). */
  readonly args: readonly ArgumentInfo[];
  /** `function.outputColumns(input.columns, args)`. */
  readonly columns: readonly SqlField[];
}

/**
 * `SELECT STREAM DISTINCT` with a monotonic leading column (as AWS's real-time web analytics
 * solution uses with `MONOTONIC(STEP(...))`): passes a row unless an equal row was already passed
 * while the leading column had its current value. ROWTIME unchanged.
 *
 * @example
 * declare const input: PlanNode;
 * const distinct: DistinctNode = { kind: "distinct", input, columns: input.columns };
 */
export interface DistinctNode extends UnaryPlanNode {
  /** Discriminates the kinds of node. */
  readonly kind: "distinct";
}

/**
 * `q1 UNION ALL q2 ...`: the inputs' rows merged in ROWTIME order (held until every input's
 * watermark passes them; ties keep input order). All inputs have the same column types.
 *
 * @example
 * declare const a: PlanNode;
 * declare const b: PlanNode;
 * const union: UnionNode = { kind: "union", inputs: [a, b], columns: a.columns };
 */
export interface UnionNode extends PlanNodeBase {
  /** Discriminates the kinds of node. */
  readonly kind: "union";
  /** The streams' definitions, one per in-application input stream. */
  readonly inputs: readonly PlanNode[];
}

/**
 * A node of a query's tree. Every node says its output `columns`; rows are {@link SqlRow}s in that
 * order, with ROWTIME beside them.
 *
 * @example
 * function leaves(node: PlanNode): string[] {
 *   return node.kind === "scan" ? [node.stream] : planInputs(node).flatMap(leaves);
 * }
 */
export type PlanNode =
  | ScanNode
  | ValuesNode
  | FilterNode
  | ProjectNode
  | TumblingAggregateNode
  | StaggerAggregateNode
  | OverNode
  | StreamJoinNode
  | TableJoinNode
  | SortNode
  | TSortNode
  | TableFunctionNode
  | DistinctNode
  | UnionNode;

/**
 * `CREATE PUMP p AS INSERT INTO target [(cols)] <query>`: runs `query` and inserts its rows into
 * the in-application stream `target`. `targetColumns[i]` is the target column that the query's
 * column i fills (positional: `0, 1, …` without a column list); target columns not filled are
 * NULL. The query's types already fit the target's (the planner adds the casts). A row that puts
 * NULL into a NOT NULL column goes to the error stream with this pump's name.
 *
 * @example
 * declare const query: PlanNode;
 * const pump: PumpDef = { name: "STREAM_PUMP", target: "DESTINATION_SQL_STREAM", targetColumns: [0, 1], query };
 */
export interface PumpDef {
  /** The pump's name, as `error_stream` rows name it (`PUMP_NAME`). */
  readonly name: string;
  /** The in-application stream it inserts into, exact case. */
  readonly target: string;
  /** For each query column, the index of the target column it fills. */
  readonly targetColumns: readonly number[];
  /** The query's plan. */
  readonly query: PlanNode;
}

/**
 * A bare `SELECT STREAM ...` or `VALUES ...` (the console's editor, the test harness): its rows
 * are read with `rows()` (the first unnamed query) or by `name`.
 *
 * @example
 * declare const query: PlanNode;
 * const bare: QueryDef = { name: "", query };
 */
export interface QueryDef {
  /** `""` for the application's (first) bare query. */
  readonly name: string;
  /** The query's plan. */
  readonly query: PlanNode;
}

/**
 * A whole application as the planner gives it: the streams, the pumps that fill them, bare
 * queries, reference tables. `error_stream` is implicit (its columns are `ERROR_STREAM_COLUMNS`); SQL
 * cannot read it. The graph of streams and pumps is acyclic (the planner refuses a cycle).
 *
 * @example
 * const plan: LogicalPlan = { inputs: [], streams: [], referenceTables: [], pumps: [], queries: [] };
 */
export interface LogicalPlan {
  /** The streams' definitions, one per in-application input stream. */
  readonly inputs: readonly InputStreamDef[];
  /** In-application streams (`CREATE STREAM`). */
  readonly streams: readonly StreamDef[];
  /** The reference tables the SQL may join. */
  readonly referenceTables: readonly ReferenceTableDef[];
  /** The pumps, in the order the SQL creates them. */
  readonly pumps: readonly PumpDef[];
  /** Bare `SELECT STREAM` / `VALUES` queries. */
  readonly queries: readonly QueryDef[];
}

/**
 * The direct inputs of a node (none for scans and VALUES), left before right.
 *
 * @example
 * declare const node: PlanNode;
 * const depth = (n: PlanNode): number => 1 + Math.max(0, ...planInputs(n).map(depth));
 */
export function planInputs(node: PlanNode): readonly PlanNode[] {
  switch (node.kind) {
    case "scan":
    case "values":
      return [];
    case "stream-join":
      return [node.left, node.right];
    case "union":
      return node.inputs;
    default:
      return [node.input];
  }
}
