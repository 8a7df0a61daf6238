import type { DatetimeUnit, IntervalQualifier } from "../types/sql-type.ts";

/**
 * Where a node was written: offsets into the SQL text (`end` exclusive) and the 1-based line and
 * column of its first character. Errors of the parser and the checker point here.
 *
 * @example
 * const span: SourceSpan = { start: 7, end: 13, line: 1, column: 8 };
 */
export interface SourceSpan {
  /** Offset of the first character. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
  /** 1-based line of the first character. */
  readonly line: number;
  /** 1-based column of the first character. */
  readonly column: number;
}

/**
 * A name as KDA stores it: unquoted identifiers upper-cased, quoted ones exact (`"orderid"` stays
 * `orderid`, `""` unescaped to `"`).
 *
 * @example
 * const ticker: Identifier = { name: "TICKER_SYMBOL", quoted: false, span: { start: 0, end: 13, line: 1, column: 1 } };
 */
export interface Identifier {
  /** The stored name. */
  readonly name: string;
  /** Whether it was written in double quotes. */
  readonly quoted: boolean;
  readonly span: SourceSpan;
}

/**
 * A type as written in `CREATE STREAM` or `CAST(... AS type)`: its name and parameters, and the
 * source text (`VARCHAR(8)`, `INTERVAL MINUTE(3)`) that the function layer's type reader takes.
 *
 * @example
 * declare const span: SourceSpan;
 * const varchar: TypeSyntax = { kind: "type", text: "VARCHAR(8)", notNull: false, span };
 */
export interface TypeSyntax {
  readonly kind: "type";
  /** The type's source text without `NOT NULL`. */
  readonly text: string;
  /** `NOT NULL` was written. */
  readonly notNull: boolean;
  readonly span: SourceSpan;
}

// ---------------------------------------------------------------------------------------------
// Expressions

/**
 * A literal: numbers keep their text (the checker types `2` as INTEGER, `2.5` as DECIMAL(2,1),
 * `2e0` as DOUBLE); datetime and interval literals keep their quoted text and qualifier, read by
 * the checker with the function layer's literal readers so that a bad literal is a located error.
 *
 * @example
 * declare const span: SourceSpan;
 * const five: LiteralExpression = { kind: "literal", type: "number", text: "5", span };
 */
export type LiteralExpression =
  | { readonly kind: "literal"; readonly type: "number"; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: "literal"; readonly type: "string"; readonly value: string; readonly span: SourceSpan }
  | { readonly kind: "literal"; readonly type: "binary"; readonly hex: string; readonly span: SourceSpan }
  | {
      readonly kind: "literal";
      readonly type: "boolean";
      readonly value: boolean | null;
      readonly span: SourceSpan;
    }
  | { readonly kind: "literal"; readonly type: "null"; readonly span: SourceSpan }
  | {
      readonly kind: "literal";
      readonly type: "datetime";
      readonly datetime: "DATE" | "TIME" | "TIMESTAMP";
      readonly text: string;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "literal";
      readonly type: "interval";
      readonly text: string;
      readonly negative: boolean;
      readonly qualifier: IntervalQualifier;
      readonly span: SourceSpan;
    };

/**
 * A column or stream name, possibly qualified (`s.ROWTIME`, `l.r.COLUMN1`); the checker decides
 * which parts name a stream, a column and fields of a ROW value.
 *
 * @example
 * declare const s: Identifier, rowtime: Identifier, span: SourceSpan;
 * const name: NameExpression = { kind: "name", parts: [s, rowtime], span };
 */
export interface NameExpression {
  readonly kind: "name";
  readonly parts: readonly Identifier[];
  readonly span: SourceSpan;
}

/**
 * A call of a function or operator by its registry name. KDA's special syntax is lowered here,
 * as `builtinFunctions()` documents: `a + b` is `+`(a, b), `CAST(x AS t)` is `CAST`(x, 't'),
 * `FLOOR(x TO HOUR)` is `FLOOR`(x, 'HOUR'), `CURRENT_TIMESTAMP` is `CURRENT_TIMESTAMP`().
 *
 * @example
 * declare const a: Expression, b: Expression, span: SourceSpan;
 * const sum: CallExpression = { kind: "call", name: "+", args: [a, b], span };
 */
export interface CallExpression {
  readonly kind: "call";
  /** The registry's upper-case name (`+`, `LIKE`, `SUBSTRING FROM`, `UPPER`). */
  readonly name: string;
  readonly args: readonly Expression[];
  /** `COUNT(DISTINCT x)`. */
  readonly distinct?: boolean;
  /** `COUNT(*)`. */
  readonly star?: boolean;
  /** `FIRST_VALUE(x) IGNORE NULLS` / `RESPECT NULLS`. */
  readonly nulls?: "ignore" | "respect";
  /** `NTH_VALUE(x, n) FROM FIRST | LAST`. */
  readonly from?: "first" | "last";
  /** `... OVER w` or `... OVER (...)`: an analytic call. */
  readonly over?: WindowReference;
  /** Where the function's name was written (for "unknown function" errors). */
  readonly nameSpan: SourceSpan;
  readonly span: SourceSpan;
}

/**
 * `AND`, `OR`, `NOT` with three-valued logic; kept apart from calls as they are not in the
 * function registry and do not propagate NULL.
 *
 * @example
 * declare const a: Expression, b: Expression, span: SourceSpan;
 * const both: LogicalExpression = { kind: "logical", op: "AND", args: [a, b], span };
 */
export interface LogicalExpression {
  readonly kind: "logical";
  readonly op: "AND" | "OR" | "NOT";
  readonly args: readonly Expression[];
  readonly span: SourceSpan;
}

/**
 * `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN`, `x IS [NOT] DISTINCT FROM y`: never NULL.
 *
 * @example
 * declare const x: Expression, span: SourceSpan;
 * const missing: IsExpression = { kind: "is", test: "NULL", negated: false, arg: x, span };
 */
export interface IsExpression {
  readonly kind: "is";
  readonly test: "NULL" | "TRUE" | "FALSE" | "UNKNOWN" | "DISTINCT FROM";
  readonly negated: boolean;
  readonly arg: Expression;
  /** The right operand of `IS DISTINCT FROM`. */
  readonly other?: Expression;
  readonly span: SourceSpan;
}

/**
 * `x [NOT] BETWEEN [SYMMETRIC] low AND high`.
 *
 * @example
 * declare const x: Expression, low: Expression, high: Expression, span: SourceSpan;
 * const inRange: BetweenExpression = { kind: "between", negated: false, symmetric: false, arg: x, low, high, span };
 */
export interface BetweenExpression {
  readonly kind: "between";
  readonly negated: boolean;
  readonly symmetric: boolean;
  readonly arg: Expression;
  readonly low: Expression;
  readonly high: Expression;
  readonly span: SourceSpan;
}

/**
 * `x [NOT] IN (a, b, ...)`.
 *
 * @example
 * declare const x: Expression, a: Expression, span: SourceSpan;
 * const member: InExpression = { kind: "in", negated: false, arg: x, list: [a], span };
 */
export interface InExpression {
  readonly kind: "in";
  readonly negated: boolean;
  readonly arg: Expression;
  readonly list: readonly Expression[];
  readonly span: SourceSpan;
}

/**
 * `CASE [operand] WHEN ... THEN ... [ELSE ...] END`.
 *
 * @example
 * declare const when: Expression, result: Expression, span: SourceSpan;
 * const choice: CaseExpression = { kind: "case", branches: [{ when, result }], span };
 */
export interface CaseExpression {
  readonly kind: "case";
  /** The simple form's operand (`CASE x WHEN 1 ...`). */
  readonly operand?: Expression;
  readonly branches: readonly { readonly when: Expression; readonly result: Expression }[];
  readonly otherwise?: Expression;
  readonly span: SourceSpan;
}

/**
 * `CURSOR(SELECT STREAM ...)`: a table function's input stream.
 *
 * @example
 * declare const query: Query, span: SourceSpan;
 * const input: CursorExpression = { kind: "cursor", query, span };
 */
export interface CursorExpression {
  readonly kind: "cursor";
  readonly query: Query;
  readonly span: SourceSpan;
}

/**
 * `(a - b) DAY TO SECOND`: the difference of two datetimes as an interval of a qualifier.
 *
 * @example
 * declare const difference: Expression, span: SourceSpan;
 * const asInterval: IntervalOfExpression = { kind: "interval-of", arg: difference, qualifier: { start: "DAY", end: "SECOND" }, span };
 */
export interface IntervalOfExpression {
  readonly kind: "interval-of";
  readonly arg: Expression;
  readonly qualifier: IntervalQualifier;
  readonly span: SourceSpan;
}

/**
 * `(expr).field`: a field of a row-valued expression other than a name (`(W3C_LOG_PARSE(...)).COLUMN1`).
 *
 * @example
 * declare const parsed: Expression, field: Identifier, span: SourceSpan;
 * const column: FieldExpression = { kind: "field", arg: parsed, field, span };
 */
export interface FieldExpression {
  readonly kind: "field";
  readonly arg: Expression;
  readonly field: Identifier;
  readonly span: SourceSpan;
}

/**
 * A scalar expression.
 *
 * @example
 * declare const e: Expression;
 * const isName = e.kind === "name";
 */
export type Expression =
  | LiteralExpression
  | NameExpression
  | CallExpression
  | LogicalExpression
  | IsExpression
  | BetweenExpression
  | InExpression
  | CaseExpression
  | CursorExpression
  | IntervalOfExpression
  | FieldExpression;

// ---------------------------------------------------------------------------------------------
// Windows

/**
 * One end of a frame: `n PRECEDING` (a row count or an interval literal), `CURRENT ROW`,
 * `UNBOUNDED PRECEDING | FOLLOWING`, `n FOLLOWING` (the checker refuses what KDA disallows).
 *
 * @example
 * declare const hour: Expression;
 * const bound: FrameBound = { kind: "preceding", offset: hour };
 */
export type FrameBound =
  | { readonly kind: "preceding"; readonly offset: Expression }
  | { readonly kind: "following"; readonly offset: Expression }
  | { readonly kind: "current-row" }
  | { readonly kind: "unbounded-preceding" }
  | { readonly kind: "unbounded-following" };

/**
 * A window's frame: `RANGE INTERVAL '1' HOUR PRECEDING` is `{ unit: "RANGE", start: preceding }`,
 * `ROWS BETWEEN 4 PRECEDING AND CURRENT ROW` has an `end`.
 *
 * @example
 * declare const two: Expression, span: SourceSpan;
 * const lastThree: WindowFrame = { unit: "ROWS", start: { kind: "preceding", offset: two }, span };
 */
export interface WindowFrame {
  readonly unit: "ROWS" | "RANGE";
  readonly start: FrameBound;
  readonly end?: FrameBound;
  readonly span: SourceSpan;
}

/**
 * `( [base] [PARTITION BY ...] [ORDER BY ...] [frame] )`, named in a WINDOW clause or inline
 * after OVER.
 *
 * @example
 * declare const frame: WindowFrame, span: SourceSpan;
 * const spec: WindowSpecification = { partitionBy: [], orderBy: [], frame, span };
 */
export interface WindowSpecification {
  /** `OVER (w ROWS 2 PRECEDING)`: a named window this one refines. */
  readonly base?: Identifier;
  readonly partitionBy: readonly Expression[];
  readonly orderBy: readonly OrderItem[];
  readonly frame?: WindowFrame;
  readonly span: SourceSpan;
}

/**
 * What follows OVER: a window's name or an inline specification.
 *
 * @example
 * declare const w: Identifier;
 * const reference: WindowReference = { kind: "named", name: w };
 */
export type WindowReference =
  | { readonly kind: "named"; readonly name: Identifier }
  | { readonly kind: "inline"; readonly spec: WindowSpecification };

// ---------------------------------------------------------------------------------------------
// Queries

/**
 * One item of a select list: `expr [AS alias]`, `*` or `t.*`.
 *
 * @example
 * declare const price: Expression, span: SourceSpan;
 * const item: SelectItem = { kind: "expression", expression: price, span };
 */
export type SelectItem =
  | {
      readonly kind: "expression";
      readonly expression: Expression;
      readonly alias?: Identifier;
      readonly span: SourceSpan;
    }
  | { readonly kind: "star"; readonly qualifier?: Identifier; readonly span: SourceSpan };

/**
 * An item of ORDER BY or of a window's ORDER BY.
 *
 * @example
 * declare const score: Expression;
 * const item: OrderItem = { expression: score, descending: true };
 */
export interface OrderItem {
  readonly expression: Expression;
  readonly descending: boolean;
}

/**
 * An item of FROM: a stream or table, a subquery, or a table function; with an alias, column
 * names (`AS t(a, b)`) and a window (`s OVER (RANGE INTERVAL '1' MINUTE PRECEDING)` in joins).
 *
 * @example
 * declare const name: Identifier, span: SourceSpan;
 * const trades: FromItem = { kind: "stream", name: [name], span };
 */
export type FromItem = (
  | { readonly kind: "stream"; readonly name: readonly Identifier[] }
  | { readonly kind: "subquery"; readonly query: Query }
  | { readonly kind: "table-function"; readonly call: CallExpression }
  | {
      readonly kind: "join";
      readonly join: "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS";
      readonly natural: boolean;
      readonly left: FromItem;
      readonly right: FromItem;
      readonly on?: Expression;
      readonly using?: readonly Identifier[];
    }
) & {
  readonly alias?: Identifier;
  readonly columnAliases?: readonly Identifier[];
  readonly window?: WindowReference;
  readonly span: SourceSpan;
};

/**
 * `WINDOWED BY STAGGER (PARTITION BY ... RANGE INTERVAL ...)`.
 *
 * @example
 * declare const key: Expression, minute: Expression, span: SourceSpan;
 * const stagger: StaggerClause = { partitionBy: [key], range: minute, span };
 */
export interface StaggerClause {
  readonly partitionBy: readonly Expression[];
  readonly range: Expression;
  readonly span: SourceSpan;
}

/**
 * A SELECT.
 *
 * @example
 * declare const from: FromItem, span: SourceSpan;
 * const select: SelectQuery = {
 *   kind: "select", stream: true, distinct: false, items: [{ kind: "star", span }], from,
 *   groupBy: [], windows: [], orderBy: [], span,
 * };
 */
export interface SelectQuery {
  readonly kind: "select";
  /** `SELECT STREAM`. */
  readonly stream: boolean;
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from: FromItem;
  readonly where?: Expression;
  readonly groupBy: readonly Expression[];
  readonly stagger?: StaggerClause;
  readonly having?: Expression;
  readonly windows: readonly { readonly name: Identifier; readonly spec: WindowSpecification }[];
  readonly orderBy: readonly OrderItem[];
  /** `ORDER BY ... WITHIN interval` (T-sort). */
  readonly within?: Expression;
  readonly span: SourceSpan;
}

/**
 * `VALUES (a, b), (c, d)`.
 *
 * @example
 * declare const one: Expression, span: SourceSpan;
 * const values: ValuesQuery = { kind: "values", rows: [[one]], span };
 */
export interface ValuesQuery {
  readonly kind: "values";
  readonly rows: readonly (readonly Expression[])[];
  readonly span: SourceSpan;
}

/**
 * `q1 UNION ALL q2 ...` (with an optional ORDER BY over the whole).
 *
 * @example
 * declare const a: Query, b: Query, span: SourceSpan;
 * const both: UnionQuery = { kind: "union", all: true, queries: [a, b], orderBy: [], span };
 */
export interface UnionQuery {
  readonly kind: "union";
  readonly all: boolean;
  readonly queries: readonly Query[];
  readonly orderBy: readonly OrderItem[];
  readonly span: SourceSpan;
}

/**
 * A query: SELECT, VALUES or a UNION of them.
 *
 * @example
 * declare const q: Query;
 * const isValues = q.kind === "values";
 */
export type Query = SelectQuery | ValuesQuery | UnionQuery;

// ---------------------------------------------------------------------------------------------
// Statements

/**
 * `CREATE [OR REPLACE] STREAM name (col type [NOT NULL], ...) [DESCRIPTION '...']`.
 *
 * @example
 * declare const name: Identifier, column: Identifier, type: TypeSyntax, span: SourceSpan;
 * const stream: CreateStreamStatement = { kind: "create-stream", orReplace: true, name, columns: [{ name: column, type }], span };
 */
export interface CreateStreamStatement {
  readonly kind: "create-stream";
  readonly orReplace: boolean;
  readonly name: Identifier;
  readonly columns: readonly { readonly name: Identifier; readonly type: TypeSyntax }[];
  readonly description?: string;
  readonly span: SourceSpan;
}

/**
 * `CREATE [OR REPLACE] PUMP name AS INSERT [EXPEDITED] INTO stream [(cols)] query`.
 *
 * @example
 * declare const name: Identifier, target: Identifier, query: Query, span: SourceSpan;
 * const pump: CreatePumpStatement = { kind: "create-pump", orReplace: true, name, target, query, span };
 */
export interface CreatePumpStatement {
  readonly kind: "create-pump";
  readonly orReplace: boolean;
  readonly name: Identifier;
  readonly description?: string;
  readonly target: Identifier;
  /** The INSERT's column list; absent means every column of the target, in order. */
  readonly columns?: readonly Identifier[];
  readonly query: Query;
  readonly span: SourceSpan;
}

/**
 * A bare query (`SELECT STREAM ...` or `VALUES ...`), as KDA's console runs it.
 *
 * @example
 * declare const query: Query, span: SourceSpan;
 * const statement: QueryStatement = { kind: "query", query, span };
 */
export interface QueryStatement {
  readonly kind: "query";
  readonly query: Query;
  readonly span: SourceSpan;
}

/**
 * One statement of an application.
 *
 * @example
 * declare const s: Statement;
 * const isPump = s.kind === "create-pump";
 */
export type Statement = CreateStreamStatement | CreatePumpStatement | QueryStatement;

/**
 * A parsed application: its statements in order, and the text they came from (for excerpts).
 *
 * @example
 * declare const statements: Statement[];
 * const script: SqlScript = { text: "VALUES (1)", statements };
 */
export interface SqlScript {
  readonly text: string;
  readonly statements: readonly Statement[];
}

/** The datetime units usable in interval qualifiers and `FLOOR(x TO unit)`. */
export const DATETIME_UNITS: readonly DatetimeUnit[] = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"];
