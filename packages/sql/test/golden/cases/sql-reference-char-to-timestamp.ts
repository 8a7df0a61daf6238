import { pageCases } from "../case-builders.ts";
import type { GoldenAmbiguity, GoldenCase } from "../golden-case.ts";
import { awsDocs } from "../sources.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-char-to-timestamp",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const DELIMITERS = "w2aac22c17c19c29c39";
const TEMPLATES = "w2aac22c17c19c29c41";
const SESSION = "The page runs `values (<expression>);` in SQLline.";
const NO_ROW: GoldenAmbiguity = {
  ref: "A6",
  text: "'No rows selected': NULL, a dropped row or an error-stream row in a stream is not said.",
};

/** The same example on the CAST page, in its section `anchor`. */
function onCastPage(anchor: string) {
  return [
    awsDocs({
      guide: "sqlref",
      page: "sql-reference-cast",
      anchor,
      commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
    }),
  ];
}

interface Session {
  readonly name: string;
  readonly anchor: string;
  readonly template: string;
  readonly input: string;
  /** The printed result; absent when the session selects no row. */
  readonly at?: string;
  readonly castAnchor: string;
}

/** A `values (CHAR_TO_TIMESTAMP('<template>','<input>'));` session that the CAST page repeats. */
function session({ name, anchor, template, input, at, castAnchor }: Session) {
  const spec = {
    name,
    anchor,
    expression: `CHAR_TO_TIMESTAMP('${template}','${input}')`,
    notes: [SESSION],
    alsoDocumentedBy: onCastPage(castAnchor),
  };
  return at === undefined
    ? page.noRow({ ...spec, ambiguities: [NO_ROW] })
    : page.timestamp({ ...spec, printed: `'${at}'`, at });
}

const FURTHER = "sql-reference-cast-examples-further";
const CAST_DELIMITERS = "w2aac22c15c11c13";
const INPUT = "2009-09-16 03:15:24";

/** SQL reference, "Char To Timestamp(Sys)": its prose examples and SQLline sessions (all also on the CAST page). */
export const sqlReferenceCharToTimestamp: readonly GoldenCase[] = [
  page.timestamp({
    name: "date-part-only",
    expression: "CHAR_TO_TIMESTAMP('yyyy-MM-dd','2009-09-16 03:15:24')",
    printed: "TIMESTAMP 2009-09-16 00:00:00",
    at: "2009-09-16 00:00:00",
    notes: ["Stated in prose ('The result would is TIMESTAMP 2009-09-16 00:00:00')."],
    alsoDocumentedBy: onCastPage("sql-reference-cast-example-1"),
  }),
  {
    ...session({
      name: "year-hour-minute",
      anchor: TEMPLATES,
      template: "yyyy-hh-mm",
      input: INPUT,
      at: "2009-01-01 09:16:00",
      castAnchor: FURTHER,
    }),
    ambiguities: [
      {
        text: "The same page (and the CAST page's 'Example 2') says in prose that this call gives 2009-01-01 03:15:00; its SQLline session and explanation ('09 became the hours and 16 became the minutes') give 2009-01-01 09:16:00, which the case expects.",
      },
    ],
  },
  session({
    name: "delimiters-line-up",
    anchor: DELIMITERS,
    template: "MM/dd/yy hh:mm:ss",
    input: "09/16/11 03:15:24",
    at: "2011-09-16 03:15:24",
    castAnchor: CAST_DELIMITERS,
  }),
  session({
    name: "year-is-not-a-month",
    anchor: DELIMITERS,
    template: "MM/dd/yy hh:mm:ss",
    input: "2009/09/16 03:15:24",
    castAnchor: CAST_DELIMITERS,
  }),
  session({
    name: "year-from-month-day",
    anchor: DELIMITERS,
    template: "yyyy",
    input: "09-16 03:15",
    at: "0009-01-01 00:00:00",
    castAnchor: CAST_DELIMITERS,
  }),
  session({
    name: "year-from-day",
    anchor: DELIMITERS,
    template: "yyyy",
    input: "16 03:15",
    at: "0016-01-01 00:00:00",
    castAnchor: CAST_DELIMITERS,
  }),
  session({
    name: "year-only",
    anchor: TEMPLATES,
    template: "yyyy",
    input: INPUT,
    at: "2009-01-01 00:00:00",
    castAnchor: FURTHER,
  }),
  session({
    name: "space-where-input-has-dash",
    anchor: TEMPLATES,
    template: "yyyy hh",
    input: INPUT,
    castAnchor: FURTHER,
  }),
  session({
    name: "year-dash-hour",
    anchor: TEMPLATES,
    template: "yyyy-hh",
    input: INPUT,
    at: "2009-01-01 09:00:00",
    castAnchor: FURTHER,
  }),
  session({
    name: "year-space-hour",
    anchor: TEMPLATES,
    template: "yyyy hh",
    input: "2009 09 16 03:15:24",
    at: "2009-01-01 09:00:00",
    castAnchor: FURTHER,
  }),
  session({
    name: "year-slash-hour",
    anchor: TEMPLATES,
    template: "yyyy/hh",
    input: "2009/09/16 03:15:24",
    at: "2009-01-01 09:00:00",
    castAnchor: FURTHER,
  }),
  session({
    name: "year-dash-minute",
    anchor: TEMPLATES,
    template: "yyyy-mm",
    input: INPUT,
    at: "2009-01-01 00:09:00",
    castAnchor: FURTHER,
  }),
];
