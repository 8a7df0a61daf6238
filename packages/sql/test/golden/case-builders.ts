import type { SqlValue } from "../../src/index.ts";
import type {
  GoldenAmbiguity,
  GoldenErrorCase,
  GoldenExpressionCase,
  GoldenNoRowCase,
  GoldenSource,
} from "./golden-case.ts";
import { awsDocs, type PageLocation } from "./sources.ts";
import { timestamp } from "./values.ts";

/** What every single-expression case of a page states besides its outcome. */
interface ExpressionSpec {
  /** The part of the id after `<page>/`. */
  readonly name: string;
  /** The section anchor, without `#`. */
  readonly anchor?: string;
  readonly expression: string;
  readonly title?: string;
  readonly notes?: readonly string[];
  readonly ambiguities?: readonly GoldenAmbiguity[];
  readonly alsoDocumentedBy?: readonly GoldenSource[];
  readonly asPrinted?: string;
}

/** A value case: the expression, the result as printed and as a value. */
export interface ValueSpec extends ExpressionSpec {
  readonly printed: string;
  readonly expected: SqlValue;
  readonly type?: string;
  readonly clock?: number;
}

/** An error case: the expression and the message as printed. */
export interface ErrorSpec extends ExpressionSpec {
  readonly error: string;
}

/** A numeric value case: the expected value is the printed number (`"2.0"` → 2). */
export interface NumericSpec extends ExpressionSpec {
  readonly printed: string;
  readonly type?: string;
}

/** A TIMESTAMP value case: `at` is the timestamp as the page prints it inside `printed`. */
export interface TimestampSpec extends ExpressionSpec {
  readonly printed: string;
  readonly at: string;
}

/** The builders of one page's expression cases. */
export interface PageCases {
  /** The source of a section of the page. */
  source(anchor?: string): GoldenSource;
  value(spec: ValueSpec): GoldenExpressionCase;
  /** A value case whose result is printed as a plain number. */
  numeric(spec: NumericSpec): GoldenExpressionCase;
  /** A value case whose result is a TIMESTAMP (`printed` as on the page, `at` the timestamp in it). */
  timestamp(spec: TimestampSpec): GoldenExpressionCase;
  error(spec: ErrorSpec): GoldenErrorCase;
  noRow(spec: ExpressionSpec): GoldenNoRowCase;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function common(page: Omit<PageLocation, "anchor">, spec: ExpressionSpec, title: string) {
  return {
    id: `${page.page}/${spec.name}`,
    title: spec.title ?? title,
    source: awsDocs(spec.anchor === undefined ? page : { ...page, anchor: spec.anchor }),
    expression: spec.expression,
    ...(spec.notes === undefined ? {} : { notes: spec.notes }),
    ...(spec.ambiguities === undefined ? {} : { ambiguities: spec.ambiguities }),
    ...(spec.alsoDocumentedBy === undefined ? {} : { alsoDocumentedBy: spec.alsoDocumentedBy }),
    ...(spec.asPrinted === undefined ? {} : { asPrinted: spec.asPrinted }),
  };
}

/**
 * Builders for the expression, error and no-row cases of one page, so that each case file lists
 * only what the page prints.
 *
 * @example
 * const step = pageCases({ guide: "sqlref", page: "sql-reference-step", commit: "0cf87289f5b2143b6019ff35025a663af3b4ea95" });
 * step.value({ name: "integer-23-by-5", expression: "STEP(23 BY 5)", printed: "20", expected: 20 });
 */
export function pageCases(page: Omit<PageLocation, "anchor">): PageCases {
  const value = (spec: ValueSpec): GoldenExpressionCase => ({
    kind: "expression",
    ...common(page, spec, `${oneLine(spec.expression)} = ${spec.printed}`),
    printed: spec.printed,
    expected: spec.expected,
    ...(spec.type === undefined ? {} : { type: spec.type }),
    ...(spec.clock === undefined ? {} : { clock: spec.clock }),
  });
  return {
    source: (anchor) => awsDocs(anchor === undefined ? page : { ...page, anchor }),
    value,
    numeric: (spec) => {
      const expected = Number(spec.printed);
      if (spec.printed.trim() === "" || Number.isNaN(expected)) {
        throw new Error(
          `golden fixture ${page.page}/${spec.name}: ${JSON.stringify(spec.printed)} is not a number`,
        );
      }
      return value({ ...spec, expected });
    },
    timestamp: ({ at, ...spec }) => value({ ...spec, expected: timestamp(at), type: "TIMESTAMP" }),
    error: (spec) => ({
      kind: "error",
      ...common(page, spec, `${oneLine(spec.expression)} is rejected`),
      error: spec.error,
    }),
    noRow: (spec) => ({
      kind: "no-row",
      ...common(page, spec, `${oneLine(spec.expression)} selects no row`),
    }),
  };
}
