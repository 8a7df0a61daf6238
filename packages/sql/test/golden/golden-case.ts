import type { SqlValue } from "../../src/index.ts";

/**
 * Where a case was transcribed from: the published page and the markdown copy that was read.
 */
export interface GoldenSource {
  /** The page on docs.aws.amazon.com, with the `#anchor` of the example's section when it has one. */
  readonly url: string;
  /** The markdown that was read, as `owner/repo@commit:path`. */
  readonly mirror: string;
}

/**
 * One row as the page prints it: column name (as KDA stores it: unquoted identifiers upper-cased,
 * quoted ones exact) → value. Timestamps are epoch milliseconds UTC, `ROWTIME` included when the
 * page shows it.
 */
export type GoldenRow = Readonly<Record<string, SqlValue>>;

/** A place where the page contradicts itself or the rest of the documentation. */
export interface GoldenAmbiguity {
  /** The item of `kda-sql-reference.md` §11 (`A1`…`A21`), or absent for one found here. */
  readonly ref?: `A${number}`;
  /** What is inconsistent, and which printed rows it concerns. */
  readonly text: string;
  /**
   * How the printed rows differ from what Eddy emits where `docs/sql/semantics.md` decides against
   * the page's slip: edits of `expected`, named row by row. The printed rows stay as they are;
   * `expectedAsDecided` applies these edits for a runner.
   */
  readonly corrections?: readonly GoldenCorrection[];
}

/**
 * One edit of an application case's printed rows (`row` indexes `expected[stream]` as printed):
 * `swap` exchanges two columns' values, `null` prints NULL in a column, `drop` removes the row.
 */
export type GoldenCorrection =
  | {
      readonly kind: "swap";
      readonly stream: string;
      readonly row: number;
      readonly columns: readonly [string, string];
    }
  | { readonly kind: "null"; readonly stream: string; readonly row: number; readonly column: string }
  | { readonly kind: "drop"; readonly stream: string; readonly row: number };

interface GoldenCaseBase {
  /** Unique: `<page>/<example>`, the page being the html file name without `.html`. */
  readonly id: string;
  /** What the example shows, in a few words. */
  readonly title: string;
  readonly source: GoldenSource;
  /** Other pages that print the same example with the same result. */
  readonly alsoDocumentedBy?: readonly GoldenSource[];
  /**
   * The page's text when the `sql` or `expression` of the case had to differ from it (a typo that
   * no parser accepts, such as unbalanced parentheses); `notes` say what was changed and why.
   */
  readonly asPrinted?: string;
  /** What was added to make the page's SQL runnable, and anything else a reader should know. */
  readonly notes?: readonly string[];
  readonly ambiguities?: readonly GoldenAmbiguity[];
}

/**
 * An application (or a bare query) with the rows the page feeds it and the rows it documents.
 *
 * `inputs` are pushed stream by stream in ROWTIME order; rows of different streams with the same
 * ROWTIME are pushed in the order of `inputOrder` when the page orders them, else stream by stream
 * in the order of `inputs`' keys. `expected` is keyed by in-application stream name, or `""` for the
 * rows of a bare `SELECT STREAM` / `VALUES` query, and lists rows in the order the page prints them.
 */
export interface GoldenApplicationCase extends GoldenCaseBase {
  readonly kind: "application";
  /** The application code exactly as printed (plus declarations listed in `notes`). */
  readonly sql: string;
  /** Stream → column → SQL type of each input stream the SQL reads but does not create. */
  readonly inputColumns: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Stream → rows, each with its `ROWTIME`. */
  readonly inputs: Readonly<Record<string, readonly GoldenRow[]>>;
  /**
   * When rows of several input streams interleave: the push order as `[stream, index]` pairs
   * (index into `inputs[stream]`), covering every input row once.
   */
  readonly inputOrder?: readonly (readonly [stream: string, index: number])[];
  readonly expected: Readonly<Record<string, readonly GoldenRow[]>>;
  /**
   * Stream (or `""`) → how many of its last `expected` rows the page says appear only once a later
   * row or a rowtime bound arrives: a runner sees them after the harness's `finish()`, not before.
   */
  readonly heldUntilBound?: Readonly<Record<string, number>>;
}

/** A scalar expression and the value the page documents for it. */
export interface GoldenExpressionCase extends GoldenCaseBase {
  readonly kind: "expression";
  /** The expression as printed (for a `VALUES …` statement, the value expression). */
  readonly expression: string;
  /** The result exactly as the page prints it. */
  readonly printed: string;
  /** The result as a run-time value. */
  readonly expected: SqlValue;
  /** The result's SQL type when the page states or implies it (e.g. `VARCHAR(8)` of a CAST). */
  readonly type?: string;
  /** The time (epoch ms) the page assumes for CURRENT_ROW_TIMESTAMP: the injected clock's reading. */
  readonly clock?: number;
}

/** A statement or expression the page documents as rejected, with the message it prints. */
export interface GoldenErrorCase extends GoldenCaseBase {
  readonly kind: "error";
  /** The expression or statement as printed. */
  readonly expression: string;
  /** The error message as printed (KDA's wording; Eddy's may differ). */
  readonly error: string;
}

/**
 * An expression the page runs as `values (<expression>);` in SQLline with the answer
 * "No rows selected": no value and no error message (what a stream does with such a row is
 * ambiguity A6).
 */
export interface GoldenNoRowCase extends GoldenCaseBase {
  readonly kind: "no-row";
  /** The expression as printed. */
  readonly expression: string;
}

/** One golden case: every value in it is transcribed from AWS's documentation, never computed. */
export type GoldenCase = GoldenApplicationCase | GoldenExpressionCase | GoldenErrorCase | GoldenNoRowCase;
