import type { OverFrame } from "@eddy/core";
import type { ArgumentInfo, TableSqlFunction } from "../functions/function-contract.ts";
import type { SourceSpan } from "../syntax/ast.ts";
import type { SqlField } from "../types/sql-type.ts";
import type { TypedExpression } from "./typed-expression.ts";

/**
 * A column of a checked query's output: its name and type, and whether its values never decrease
 * (ROWTIME-derived or asserted with MONOTONIC), which a streaming GROUP BY over a subquery needs.
 */
export interface CheckedColumn extends SqlField {
  readonly monotonic: boolean;
  /**
   * A join side's ROWTIME, appended to its columns so that `s.ROWTIME` reads the side's own row
   * time (the planner projects it in); `*` leaves it out.
   */
  readonly hidden?: boolean;
}

/**
 * A window of a query (named in WINDOW or inline after OVER), with its partition keys typed over
 * the source's row and its frame in Eddy's terms: `{ range: ms }` or `{ rows: n }`; absent: every
 * earlier row of the partition.
 */
export interface CheckedWindow {
  readonly partitionBy: readonly TypedExpression[];
  readonly frame?: OverFrame;
  readonly span: SourceSpan;
}

/** What a FROM clause reads, with the layout of its rows (`columns`, by position). */
export type CheckedSource = (
  | {
      readonly kind: "stream";
      /** The input, in-application stream or reference table, exact case. */
      readonly name: string;
      readonly role: "input" | "stream" | "reference-table";
    }
  | { readonly kind: "subquery"; readonly query: CheckedQuery }
  | {
      readonly kind: "table-function";
      readonly fn: TableSqlFunction;
      readonly input: CheckedQuery;
      readonly args: readonly ArgumentInfo[];
    }
  | {
      readonly kind: "join";
      readonly join: "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS";
      readonly left: CheckedSource;
      readonly right: CheckedSource;
      /** Typed over the joined row: left columns, then right columns. */
      readonly condition?: TypedExpression;
    }
) & {
  /** The source's row layout. */
  readonly columns: readonly CheckedColumn[];
  /** `s OVER (RANGE ...)` in a join. */
  readonly window?: CheckedWindow;
  readonly span: SourceSpan;
};

/** A checked SELECT: every expression typed over its source's row. */
export interface CheckedSelect {
  readonly kind: "select";
  readonly stream: boolean;
  readonly distinct: boolean;
  readonly source: CheckedSource;
  readonly where?: TypedExpression;
  /** GROUP BY expressions; `monotonicKey` indexes the one that makes the streaming GROUP BY emit. */
  readonly groupBy: readonly TypedExpression[];
  readonly monotonicKey?: number;
  /** WINDOWED BY STAGGER: partition keys and the window's length in ms. */
  readonly stagger?: { readonly partitionBy: readonly TypedExpression[]; readonly length: number };
  /** Typed over the source's row; aggregate calls appear as `aggregate` nodes. */
  readonly having?: TypedExpression;
  /** The select list, `*` expanded. The item aliased ROWTIME, if any, is `rowtime`. */
  readonly items: readonly { readonly name: string; readonly expression: TypedExpression }[];
  readonly rowtime?: TypedExpression;
  /** The windows of the WINDOW clause by name, and the inline ones by their OVER's span start. */
  readonly windows: ReadonlyMap<string, CheckedWindow>;
  readonly orderBy: readonly { readonly expression: TypedExpression; readonly descending: boolean }[];
  /** ORDER BY ... WITHIN, in ms. */
  readonly within?: number;
  readonly columns: readonly CheckedColumn[];
  readonly span: SourceSpan;
}

/** A checked query. */
export type CheckedQuery =
  | CheckedSelect
  | {
      readonly kind: "values";
      readonly rows: readonly (readonly TypedExpression[])[];
      readonly columns: readonly CheckedColumn[];
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "union";
      readonly queries: readonly CheckedQuery[];
      readonly columns: readonly CheckedColumn[];
      readonly span: SourceSpan;
    };

/** A checked pump: the target stream, the target column each query column fills, the query. */
export interface CheckedPump {
  readonly name: string;
  readonly target: string;
  readonly targetColumns: readonly number[];
  readonly query: CheckedQuery;
}

/** A whole checked application. */
export interface CheckedApplication {
  /** The input streams the SQL reads, with their columns. */
  readonly inputs: readonly { readonly name: string; readonly columns: readonly SqlField[] }[];
  /** In-application streams in the order the SQL creates them. */
  readonly streams: readonly { readonly name: string; readonly columns: readonly SqlField[] }[];
  readonly referenceTables: readonly { readonly name: string; readonly columns: readonly SqlField[] }[];
  readonly pumps: readonly CheckedPump[];
  /** Bare queries, in order. */
  readonly queries: readonly CheckedQuery[];
}
