import { pageCases } from "../case-builders.ts";
import type { GoldenAmbiguity, GoldenCase } from "../golden-case.ts";
import { awsDocs } from "../sources.ts";
import { date, time } from "../values.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-cast",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const DATE_TO_CHAR = "w2aac22c15c11b7b6b2";
const TABLE = "sql-reference-cast-example-2";
const FURTHER = "sql-reference-cast-examples-further";
const DELIMITERS = "w2aac22c15c11c13";
const TIMESTAMP_TO_STRING = "TOC6";
const STRING_TO_TIME = "TOC7";
const STRING_TO_DATE = "TOC8";
const INTERVAL_TO_NUMERIC = "TOC10";
const LIMITATIONS = "TOC11";

const SESSION = "The page runs `values (<expression>);` in SQLline.";
const FROM_TABLE =
  "Composed from the table's Template and Input String columns as CHAR_TO_TIMESTAMP('<format_string>','<input_date_time_string>'), the syntax the page gives.";
const FROM_TABLE_NOTE = "Stated in the Notes column of the table, for the row's template.";
const NO_ROW: GoldenAmbiguity = {
  ref: "A6",
  text: "'No rows selected' (or 'no output'): NULL, a dropped row or an error-stream row in a stream is not said.",
};
const TEMPLATE_PAGE = [
  awsDocs({
    guide: "sqlref",
    page: "sql-reference-template-strings-create-output-timestamps",
    commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
  }),
];

function charToTimestamp(template: string, input: string): string {
  return `CHAR_TO_TIMESTAMP('${template}','${input}')`;
}

/** A row of the CHAR_TO_TIMESTAMP table (the page's "Example 2") with an output TIMESTAMP. */
function tableRow(
  name: string,
  template: string,
  input: string,
  output: string,
  also: boolean,
  notes: readonly string[] = [],
) {
  return page.timestamp({
    name,
    anchor: TABLE,
    expression: charToTimestamp(template, input),
    printed: `'${output}'`,
    at: output,
    notes: [FROM_TABLE, ...notes],
    ...(also ? { alsoDocumentedBy: TEMPLATE_PAGE } : {}),
  });
}

/** A row (or a Notes-column statement) of the CHAR_TO_TIMESTAMP table that gives no output. */
function tableNoRow(
  name: string,
  template: string,
  input: string,
  also: boolean,
  notes: readonly string[] = [],
) {
  return page.noRow({
    name,
    anchor: TABLE,
    expression: charToTimestamp(template, input),
    notes: [FROM_TABLE, ...notes],
    ambiguities: [NO_ROW],
    ...(also ? { alsoDocumentedBy: TEMPLATE_PAGE } : {}),
  });
}

function sessionValue(name: string, anchor: string, expression: string, output: string) {
  return page.timestamp({ name, anchor, expression, printed: `'${output}'`, at: output, notes: [SESSION] });
}

function sessionNoRow(name: string, anchor: string, expression: string, notes: readonly string[] = []) {
  return page.noRow({ name, anchor, expression, notes: [SESSION, ...notes], ambiguities: [NO_ROW] });
}

/** SQL reference, "CAST": its SQLline sessions, and the CHAR_TO_TIMESTAMP table and sessions it carries. */
export const sqlReferenceCast: readonly GoldenCase[] = [
  sessionNoRow("date-to-varchar-too-short", DATE_TO_CHAR, "cast(date'2008-08-23' as varchar(9))", [
    "The page: 'Because the date literal requires 10 characters'.",
  ]),
  tableRow(
    "char-to-timestamp-full-template",
    "yyyy-MM-dd hh:mm:ss",
    "2009-09-16 03:15:24",
    "2009-09-16 03:15:24",
    true,
  ),
  tableNoRow(
    "char-to-timestamp-weekday-text",
    "yyyy-MM-dd hh:mm:ss",
    "Wednesday, 16 September 2009 03:15:24",
    true,
    [FROM_TABLE_NOTE, "The Char To Timestamp page repeats it in a Note, without naming the template."],
  ),
  tableRow("char-to-timestamp-year-minute", "yyyy-mm", "2012-02-08 07:23:19", "2012-01-01 00:02:00", false, [
    "The Template Strings page prints the same row with 2011 ('2011-02-08 07:23:19' → '2011-01-01 00:02:00'): a separate case there.",
  ]),
  tableRow(
    "char-to-timestamp-year-second-minute",
    "yyyy-ss-mm",
    "2012-02-08 07:23:19",
    "2012-01-01 00:08:02",
    false,
  ),
  tableRow("char-to-timestamp-month-name", "MMM dd, yyyy", "March 7, 2010", "2010-03-07 00:00:00", true),
  tableRow("char-to-timestamp-no-year", "MMM dd,", "March 7, 2010", "1970-03-07 00:00:00", true),
  tableRow("char-to-timestamp-single-y", "MMM dd,y", "March 7, 2010", "2010-03-07 00:00:00", true),
  tableRow("char-to-timestamp-single-y-two-digits", "MMM dd,y", "March 7, 10", "0010-03-07 00:00:00", true, [
    FROM_TABLE_NOTE,
  ]),
  tableRow("char-to-timestamp-month-day", "M-d", "2-8", "1970-02-08 00:00:00", true),
  tableRow("char-to-timestamp-month-day-extra-year", "M-d", "2-8-2012", "1970-02-08 00:00:00", false, [
    FROM_TABLE_NOTE,
    "The Template Strings page writes it '2–8−2011' with typographic dashes.",
  ]),
  tableNoRow("char-to-timestamp-month-day-year-first", "M-d", "2012-2-8", false, [
    FROM_TABLE_NOTE,
    "The page: 'because 2012 is not a valid month'. The Template Strings page writes '2011–2−8' with typographic dashes.",
  ]),
  tableRow("char-to-timestamp-dashes", "MM-dd-yyyy", "06-23-2012 10:11:12", "2012-06-23 00:00:00", false, [
    "The Template Strings page prints the same row with 2011: a separate case there.",
  ]),
  tableRow(
    "char-to-timestamp-day-first",
    "dd-MM-yy hh:mm:ss",
    "23-06-11 10:11:12",
    "2011-06-23 10:11:12",
    true,
  ),
  tableRow(
    "char-to-timestamp-seconds-first",
    "MM-dd-yy ss:hh:mm",
    "06-23-11 12:10:11",
    "2011-06-23 10:11:12",
    true,
  ),
  tableRow(
    "char-to-timestamp-two-digit-year-first",
    "yy-dd-MM ss:hh:mm",
    "06-23-11 12:10:11",
    "2006-11-23 10:11:12",
    true,
  ),
  tableRow(
    "char-to-timestamp-no-seconds",
    "dd-MM-yy hh:mm",
    "23-06-11 10:11:12",
    "2011-06-23 10:11:00",
    true,
  ),
  tableRow(
    "char-to-timestamp-one-digit-year",
    "dd-MM-yy hh:mm",
    "23-06-1 10:11:12",
    "0001-06-23 10:11:00",
    true,
    [FROM_TABLE_NOTE],
  ),
  tableRow(
    "char-to-timestamp-slashes",
    "MM/dd/yy hh:mm:ss",
    "12/19/11 10:11:12",
    "2011-12-19 10:11:12",
    true,
  ),
  {
    ...tableRow(
      "char-to-timestamp-twelve-o-clock-hh",
      "MM/dd/yy hh:mm:ss",
      "12/19/11 12:11:10",
      "2011-12-19 00:11:10",
      false,
    ),
    ambiguities: [
      {
        text: "The Template Strings page prints this row as input '12/19/11 12:11:12' with output '12/19/11 00:11:12', an output not in TIMESTAMP form; its Notes column speaks of 12:11:10 like this page.",
      },
    ],
  },
  tableRow(
    "char-to-timestamp-24-hour-noon",
    "MM/dd/yy HH:mm:ss",
    "12/19/11 12:59:59",
    "2011-12-19 12:59:59",
    true,
  ),
  tableRow(
    "char-to-timestamp-24-hour-evening",
    "MM/dd/yy HH:mm:ss",
    "12/19/11 21:08:07",
    "2011-12-19 21:08:07",
    true,
  ),
  tableNoRow("char-to-timestamp-year-first-midnight", "MM/dd/yy HH:mm:ss", "2011-12-19 00:11:12", true, [
    FROM_TABLE_NOTE,
    "The page: 'would fail with this template because '2011' is not a month'.",
  ]),
  tableNoRow("char-to-timestamp-year-first-noon", "MM/dd/yy HH:mm:ss", "2011-12-19 12:11:12", true, [
    FROM_TABLE_NOTE,
  ]),
  page.value({
    name: "char-to-timestamp-single-y-slashes-as-varchar",
    anchor: TABLE,
    expression: "cast(CHAR_TO_TIMESTAMP('y/MM/dd HH:mm:ss', '2011/12/19 00:11:12') as varchar(19))",
    printed: "'2011-12-19 00:11:12'",
    expected: "2011-12-19 00:11:12",
    type: "VARCHAR(19)",
    notes: ["A SQLline session in the table's Notes column: `values(cast(... as varchar(19)));`."],
    alsoDocumentedBy: TEMPLATE_PAGE,
  }),
  tableNoRow("char-to-timestamp-day-is-not-a-month", "y/MM/dd HH:mm:ss", "12/19/11 00:11:12", true, [
    FROM_TABLE_NOTE,
    "The page: 'since 19 is not a valid month'.",
  ]),
  tableNoRow("char-to-timestamp-dashes-against-slashes", "y/MM/dd HH:mm:ss", "2011-12-19 12:11:12", true, [
    FROM_TABLE_NOTE,
    "The page: 'because dashes don't match the slashes in the template'.",
  ]),
  sessionValue(
    "char-to-timestamp-year-month",
    FURTHER,
    "CHAR_TO_TIMESTAMP('yyyy-MM','2009-09-16 03:15:24')",
    "2009-09-01 00:00:00",
  ),
  sessionNoRow(
    "char-to-timestamp-month-then-hour",
    FURTHER,
    "CHAR_TO_TIMESTAMP('yyyy-MM hh','2009-09-16 03:15:24')",
    ["The page: 'The next two templates fail, lacking a 'days' specifier'."],
  ),
  sessionNoRow(
    "char-to-timestamp-month-then-hour-colon",
    FURTHER,
    "CHAR_TO_TIMESTAMP('yyyy-MM hh:','2009-09-16 03:15:24')",
  ),
  sessionValue(
    "char-to-timestamp-day-then-hour",
    FURTHER,
    "CHAR_TO_TIMESTAMP('yyyy-MM-dd hh','2009-09-16 03:15:24')",
    "2009-09-16 03:00:00",
  ),
  sessionValue(
    "char-to-timestamp-day-then-second",
    FURTHER,
    "CHAR_TO_TIMESTAMP('yyyy-MM-dd ss','2009-09-16 03:15:24')",
    "2009-09-16 00:00:03",
  ),
  sessionValue(
    "char-to-timestamp-day-then-minute",
    FURTHER,
    "CHAR_TO_TIMESTAMP('yyyy-MM-dd mm','2009-09-16 03:15:24')",
    "2009-09-16 00:03:00",
  ),
  sessionNoRow(
    "char-to-timestamp-month-dash-minute",
    FURTHER,
    "CHAR_TO_TIMESTAMP('yyyy-MM- mm','2009-09-16 03:15:24')",
    ["The page: 'Further failures, lacking a 'days' specifier'."],
  ),
  sessionNoRow(
    "char-to-timestamp-month-spaces-minute",
    FURTHER,
    "CHAR_TO_TIMESTAMP('yyyy-MM   mm','2009-09-16 03:15:24')",
  ),
  sessionNoRow(
    "char-to-timestamp-month-spaces-hour",
    FURTHER,
    "CHAR_TO_TIMESTAMP('yyyy-MM   hh','2009-09-16 03:15:24')",
  ),
  sessionValue(
    "char-to-timestamp-all-slashes",
    DELIMITERS,
    "CHAR_TO_TIMESTAMP('MM/dd/yy hh/mm/ss','09/16/11 03/15/24')",
    "2011-09-16 03:15:24",
  ),
  sessionValue(
    "char-to-timestamp-dashed-time",
    DELIMITERS,
    "CHAR_TO_TIMESTAMP('MM/dd/yy hh-mm-ss','09/16/11 03-15-24')",
    "2011-09-16 03:15:24",
  ),
  sessionValue(
    "char-to-timestamp-pipes",
    DELIMITERS,
    "CHAR_TO_TIMESTAMP('yyyy|MM|dd hh|mm|ss','2009|09|16 03|15|24')",
    "2009-09-16 03:15:24",
  ),
  sessionValue(
    "char-to-timestamp-at-signs",
    DELIMITERS,
    "CHAR_TO_TIMESTAMP('yyyy@MM@dd hh@mm@ss','2009@09@16 03@15@24')",
    "2009-09-16 03:15:24",
  ),
  page.value({
    name: "timestamp-to-varchar",
    anchor: TIMESTAMP_TO_STRING,
    expression: "cast( TIMESTAMP '2007-02-19 21:25:35' AS VARCHAR(25))",
    printed: "'2007-02-19 21:25:35'",
    expected: "2007-02-19 21:25:35",
    type: "VARCHAR(25)",
    notes: [SESSION],
  }),
  page.error({
    name: "timestamp-literal-without-seconds",
    anchor: TIMESTAMP_TO_STRING,
    expression: "TIMESTAMP '2007-02-19 21:25'",
    error: `Illegal TIMESTAMP literal '2007-02-19 21:25':
                                  not in format 'yyyy-MM-dd HH:mm:ss' (state=,code=0)`,
  }),
  sessionValue(
    "timestamp-literal",
    TIMESTAMP_TO_STRING,
    "TIMESTAMP '2007-02-19 21:25:00'",
    "2007-02-19 21:25:00",
  ),
  sessionNoRow(
    "timestamp-to-varchar-too-short",
    TIMESTAMP_TO_STRING,
    "cast( TIMESTAMP '2007-02-19 21:25:35' AS VARCHAR(18))",
    ["The page: '(Because the timestamp literal requires 19 characters)'."],
  ),
  page.value({
    name: "string-to-time",
    anchor: STRING_TO_TIME,
    expression: "cast(' 21:23:45.0' AS TIME)",
    printed: "'21:23:45'",
    expected: time("21:23:45"),
    type: "TIME",
    notes: [SESSION, "The string has a leading space."],
  }),
  page.value({
    name: "string-to-date",
    anchor: STRING_TO_DATE,
    expression: "cast('2007-02-19' AS DATE)",
    printed: "'2007-02-19'",
    expected: date("2007-02-19"),
    type: "DATE",
    notes: [SESSION],
  }),
  sessionNoRow("timestamp-string-to-time", STRING_TO_DATE, "cast('2007-02-19 21:23:45.0' AS TIME)", [
    "The page: 'Fails because it includes date information not allowed as a TIME.'",
  ]),
  sessionNoRow("timestamp-string-to-date", STRING_TO_DATE, "cast('2007-02-19 21:23:45.0' AS DATE)", [
    "The page: 'Fails because it includes time information not allowed as a DATE.'",
  ]),
  sessionNoRow("date-and-hour-string-to-date", STRING_TO_DATE, "cast('2007-02-19 21' AS DATE)"),
  page.value({
    name: "date-string-to-date",
    anchor: STRING_TO_DATE,
    expression: "cast('2009-02-28' AS DATE)",
    printed: "'2009-02-28'",
    expected: date("2009-02-28"),
    type: "DATE",
    notes: [SESSION],
  }),
  page.value({
    name: "timestamp-string-via-timestamp-to-date",
    anchor: STRING_TO_DATE,
    expression: "CAST (cast('2007-02-19 21:23:45.0' AS TIMESTAMP) AS DATE)",
    printed: "'2007-02-19'",
    expected: date("2007-02-19"),
    type: "DATE",
    notes: [SESSION],
    ambiguities: [
      {
        text: "The page says a string CAST to TIMESTAMP disallows fractional seconds ('Fractional seconds are disallowed'), yet this session casts '2007-02-19 21:23:45.0' to TIMESTAMP successfully.",
      },
    ],
  }),
  sessionNoRow("hour-minute-string-to-time", STRING_TO_DATE, "cast('21:23' AS TIME)", [
    "The page: 'Fails because it lacks time information (seconds) required for a TIME.'",
  ]),
  sessionNoRow("colon-fraction-string-to-time", STRING_TO_DATE, "cast('21:23:34:11' AS TIME)"),
  page.value({
    name: "fraction-string-to-time",
    anchor: STRING_TO_DATE,
    expression: "cast('21:23:34.11' AS TIME)",
    printed: "'21:23:34'",
    expected: time("21:23:34"),
    type: "TIME",
    notes: [SESSION],
  }),
  page.value({
    name: "seconds-string-to-time",
    anchor: STRING_TO_DATE,
    expression: "cast('21:23:34' AS TIME)",
    printed: "'21:23:34'",
    expected: time("21:23:34"),
    type: "TIME",
    notes: [SESSION],
  }),
  sessionNoRow(
    "minute-interval-to-decimal-4-2",
    INTERVAL_TO_NUMERIC,
    "cast (INTERVAL '120' MINUTE(3) as decimal(4,2))",
  ),
  page.value({
    name: "minute-interval-to-decimal-4",
    anchor: INTERVAL_TO_NUMERIC,
    expression: "cast (INTERVAL '120' MINUTE(3) as decimal(4))",
    printed: "120",
    expected: 120,
    type: "DECIMAL(4)",
    notes: [SESSION],
  }),
  page.value({
    name: "minute-interval-to-decimal-3",
    anchor: INTERVAL_TO_NUMERIC,
    expression: "cast (INTERVAL '120' MINUTE(3) as decimal(3))",
    printed: "120",
    expected: 120,
    type: "DECIMAL(3)",
    notes: [SESSION],
  }),
  sessionNoRow(
    "minute-interval-to-decimal-2",
    INTERVAL_TO_NUMERIC,
    "cast (INTERVAL '120' MINUTE(3) as decimal(2))",
  ),
  page.value({
    name: "second-interval-to-decimal-2-1",
    anchor: INTERVAL_TO_NUMERIC,
    expression: "cast(interval '1.1' second(1,1) as decimal(2,1))",
    printed: "1.1",
    expected: 1.1,
    type: "DECIMAL(2,1)",
    notes: [SESSION],
  }),
  sessionNoRow(
    "second-interval-to-decimal-1-1",
    INTERVAL_TO_NUMERIC,
    "cast(interval '1.1' second(1,1) as decimal(1,1))",
  ),
  page.error({
    name: "year-interval-with-fraction-precision",
    anchor: INTERVAL_TO_NUMERIC,
    expression: "cast(interval '1.1' year (1,1) as decimal(2,1))",
    error: `org.eigenbase.sql.parser.SqlParseException: Encountered "," at line 1, column 35.
Was expecting:
    ")" ... (state=,code=0)`,
  }),
  page.error({
    name: "year-interval-with-fraction",
    anchor: INTERVAL_TO_NUMERIC,
    expression: "cast(interval '1.1' year (1) as decimal(2,1))",
    error: `From line 1, column 13 to line 1, column 35:
              Illegal interval literal format '1.1' for INTERVAL YEAR(1) (state=,code=0)`,
  }),
  page.error({
    name: "year-interval-with-trailing-point",
    anchor: INTERVAL_TO_NUMERIC,
    expression: "cast(interval '1.' year (1) as decimal(2,1))",
    error: `From line 1, column 13 to line 1, column 34:
              Illegal interval literal format '1.' for INTERVAL YEAR(1) (state=,code=0)`,
  }),
  page.value({
    name: "year-interval-to-decimal-2-1",
    anchor: INTERVAL_TO_NUMERIC,
    expression: "cast(interval '1' year (1) as decimal(2,1))",
    printed: "1.0",
    expected: 1.0,
    type: "DECIMAL(2,1)",
    notes: [SESSION],
    ambiguities: [
      { ref: "A9", text: "A year-month interval, which the data-types page says is not supported." },
    ],
  }),
  page.value({
    name: "milliseconds-to-interval-as-varchar",
    anchor: LIMITATIONS,
    expression: "cast( 5000 * (INTERVAL '0 00:00:00.001' DAY TO SECOND) as varchar(11))",
    printed: "'5000'",
    expected: "5000",
    type: "VARCHAR(11)",
    notes: [SESSION],
    ambiguities: [
      {
        text: "Casting this DAY TO SECOND interval to VARCHAR prints '5000' (milliseconds), while the interval-operators page casts DAY TO SECOND intervals to '+2 00:06:11'-style text.",
      },
    ],
  }),
];
