import { pageCases } from "../case-builders.ts";
import type { GoldenAmbiguity, GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-w3c-log-parse",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const EXAMPLE_1 = "sql-reference-w3c-log-parse-info";

const NOTES = [
  'Example 1\'s Input prints each log line wrapped in parentheses and across two lines; the expression passes the line itself as a string literal (the request in double quotes, as the COMMON format %h %l %u %t "%r" %>s %b requires).',
  "Example 1's DDL (a pump without INSERT INTO, with an unbalanced quote in \"weblog_read) is not runnable; it selects l.r.COLUMN1 … COLUMN7 of the parsed row, which is the expected value.",
  "The Output prints the seven columns separated by spaces; they are split per the page's table 'Specifiers Used by the Common Log Format' (COLUMN4 keeps its brackets, as Example 2's TIME_DATES and the closing note show; COLUMN5 is the request line without its quotes).",
];

const COLUMN_TYPES: GoldenAmbiguity = {
  text: "The types of COLUMN6 (%>s) and COLUMN7 (%b) are not stated: the page says %b 'is numeric' while its own specifier table says %b prints '-' for zero bytes (and %B prints 0). The values are given as the printed text; compare them as text.",
};

function common(name: string, line: string, user: string, request: string) {
  return page.value({
    name,
    anchor: EXAMPLE_1,
    expression: `W3C_LOG_PARSE('${line}', 'COMMON')`,
    printed: ` 192.168.254.30 -  ${user}  [24/May/2004:22:01:02 -0700] ${request}  304  0`,
    expected: {
      COLUMN1: "192.168.254.30",
      COLUMN2: "-",
      COLUMN3: user,
      COLUMN4: "[24/May/2004:22:01:02 -0700]",
      COLUMN5: request,
      COLUMN6: "304",
      COLUMN7: "0",
    },
    type: "ROW(COLUMN1 … COLUMN7)",
    notes: NOTES,
    ambiguities: [COLUMN_TYPES],
  });
}

/** SQL reference, "W3C_LOG_PARSE": Example 1, the two COMMON-format lines and their parsed columns. */
export const sqlReferenceW3cLogParse: readonly GoldenCase[] = [
  common(
    "common-john",
    '192.168.254.30 - John [24/May/2004:22:01:02 -0700] "GET /icons/apache_pb.gif HTTP/1.1" 304 0',
    "John",
    "GET /icons/apache_pb.gif HTTP/1.1",
  ),
  common(
    "common-jane",
    '192.168.254.30 - Jane [24/May/2004:22:01:02 -0700] "GET /icons/small/dir.gif HTTP/1.1" 304 0',
    "Jane",
    "GET /icons/small/dir.gif HTTP/1.1",
  ),
];
