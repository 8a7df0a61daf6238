import { sqlReferenceAbs } from "./cases/sql-reference-abs.ts";
import { sqlReferenceAggregateFunctions } from "./cases/sql-reference-aggregate-functions.ts";
import { sqlReferenceCast } from "./cases/sql-reference-cast.ts";
import { sqlReferenceCeil } from "./cases/sql-reference-ceil.ts";
import { sqlReferenceCharLength } from "./cases/sql-reference-char-length.ts";
import { sqlReferenceCharToTimestamp } from "./cases/sql-reference-char-to-timestamp.ts";
import { sqlReferenceCoalesce } from "./cases/sql-reference-coalesce.ts";
import { sqlReferenceDateTimestampInterval } from "./cases/sql-reference-date-timestamp-interval.ts";
import { sqlReferenceExp } from "./cases/sql-reference-exp.ts";
import { sqlReferenceExtract } from "./cases/sql-reference-extract.ts";
import { sqlReferenceFastRegexLogParser } from "./cases/sql-reference-fast-regex-log-parser.ts";
import { sqlReferenceFloor } from "./cases/sql-reference-floor.ts";
import { sqlReferenceInitcap } from "./cases/sql-reference-initcap.ts";
import { sqlReferenceJoinClause } from "./cases/sql-reference-join-clause.ts";
import { sqlReferenceLn } from "./cases/sql-reference-ln.ts";
import { sqlReferenceLog10 } from "./cases/sql-reference-log10.ts";
import { sqlReferenceLogicalOperators } from "./cases/sql-reference-logical-operators.ts";
import { sqlReferenceLower } from "./cases/sql-reference-lower.ts";
import { sqlReferenceMod } from "./cases/sql-reference-mod.ts";
import { sqlReferenceMonotonicExpressionsOperators } from "./cases/sql-reference-monotonic-expressions-operators.ts";
import { sqlReferenceNullif } from "./cases/sql-reference-nullif.ts";
import { sqlReferenceOverlay } from "./cases/sql-reference-overlay.ts";
import { sqlReferencePosition } from "./cases/sql-reference-position.ts";
import { sqlReferencePower } from "./cases/sql-reference-power.ts";
import { sqlReferenceQuery } from "./cases/sql-reference-query.ts";
import { sqlReferenceRowtime } from "./cases/sql-reference-rowtime.ts";
import { sqlReferenceSelect } from "./cases/sql-reference-select.ts";
import { sqlReferenceStep } from "./cases/sql-reference-step.ts";
import { sqlReferenceStreamingOperators } from "./cases/sql-reference-streaming-operators.ts";
import { sqlReferenceStringOperators } from "./cases/sql-reference-string-operators.ts";
import { sqlReferenceSubstring } from "./cases/sql-reference-substring.ts";
import { sqlReferenceTemplateStrings } from "./cases/sql-reference-template-strings-create-output-timestamps.ts";
import { sqlReferenceTimestampToChar } from "./cases/sql-reference-timestamp-to-char.ts";
import { sqlReferenceTrim } from "./cases/sql-reference-trim.ts";
import { sqlReferenceUpper } from "./cases/sql-reference-upper.ts";
import { sqlReferenceW3cLogParse } from "./cases/sql-reference-w3c-log-parse.ts";
import { sqlReferenceWindowedAggregationStream } from "./cases/sql-reference-windowed-aggregation-stream.ts";
import { staggerWindowConcepts } from "./cases/stagger-window-concepts.ts";
import type {
  GoldenApplicationCase,
  GoldenCase,
  GoldenErrorCase,
  GoldenExpressionCase,
  GoldenNoRowCase,
} from "./golden-case.ts";

export { expectedAsDecided } from "./corrections.ts";
export type {
  GoldenAmbiguity,
  GoldenApplicationCase,
  GoldenCase,
  GoldenCorrection,
  GoldenErrorCase,
  GoldenExpressionCase,
  GoldenNoRowCase,
  GoldenRow,
  GoldenSource,
} from "./golden-case.ts";
export { TIME_ONLY_DATE } from "./values.ts";

/**
 * Every golden case, page by page: the developer guide's page first, then the SQL reference's
 * pages in alphabetical order of their file names. Each value is transcribed from AWS's
 * documentation (see README.md), never computed.
 */
export const goldenCases: readonly GoldenCase[] = [
  ...staggerWindowConcepts,
  ...sqlReferenceAbs,
  ...sqlReferenceAggregateFunctions,
  ...sqlReferenceCast,
  ...sqlReferenceCeil,
  ...sqlReferenceCharLength,
  ...sqlReferenceCharToTimestamp,
  ...sqlReferenceCoalesce,
  ...sqlReferenceDateTimestampInterval,
  ...sqlReferenceExp,
  ...sqlReferenceExtract,
  ...sqlReferenceFastRegexLogParser,
  ...sqlReferenceFloor,
  ...sqlReferenceInitcap,
  ...sqlReferenceJoinClause,
  ...sqlReferenceLn,
  ...sqlReferenceLog10,
  ...sqlReferenceLogicalOperators,
  ...sqlReferenceLower,
  ...sqlReferenceMod,
  ...sqlReferenceMonotonicExpressionsOperators,
  ...sqlReferenceNullif,
  ...sqlReferenceOverlay,
  ...sqlReferencePosition,
  ...sqlReferencePower,
  ...sqlReferenceQuery,
  ...sqlReferenceRowtime,
  ...sqlReferenceSelect,
  ...sqlReferenceStep,
  ...sqlReferenceStreamingOperators,
  ...sqlReferenceStringOperators,
  ...sqlReferenceSubstring,
  ...sqlReferenceTemplateStrings,
  ...sqlReferenceTimestampToChar,
  ...sqlReferenceTrim,
  ...sqlReferenceUpper,
  ...sqlReferenceW3cLogParse,
  ...sqlReferenceWindowedAggregationStream,
];

/** The application cases: SQL, input rows, documented output rows. */
export const applicationCases: readonly GoldenApplicationCase[] = goldenCases.filter(
  (c): c is GoldenApplicationCase => c.kind === "application",
);

/** The scalar-expression cases: an expression and its documented value. */
export const expressionCases: readonly GoldenExpressionCase[] = goldenCases.filter(
  (c): c is GoldenExpressionCase => c.kind === "expression",
);

/** The cases the documentation shows being rejected, with KDA's message. */
export const errorCases: readonly GoldenErrorCase[] = goldenCases.filter(
  (c): c is GoldenErrorCase => c.kind === "error",
);

/** The expressions the documentation shows selecting no row ("No rows selected"). */
export const noRowCases: readonly GoldenNoRowCase[] = goldenCases.filter(
  (c): c is GoldenNoRowCase => c.kind === "no-row",
);

/**
 * The case with this id.
 *
 * @throws Error when no case has the id.
 */
export function goldenCase(id: string): GoldenCase {
  const found = goldenCases.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no golden case with id ${JSON.stringify(id)}`);
  return found;
}
