import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-string-operators",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const CONCAT = "CONCAT";
const LIKE = "w2aac10c19c21b9";
const SIMILAR = "SIMILARPATTERNS";

const BOOLEANS = { TRUE: true, FALSE: false } as const;
type Printed = keyof typeof BOOLEANS;

/** A row of the LIKE or SIMILAR TO table, numbered as printed (header excluded). */
interface TableRow {
  readonly row: number;
  readonly expression: string;
  readonly printed: Printed;
  /** The SIMILAR TO table's Rule column. */
  readonly rule?: string;
  readonly notes?: readonly string[];
}

function match(anchor: string, table: "like" | "similar", spec: TableRow) {
  const notes = [
    ...(spec.rule === undefined ? [] : [`The table's Rule column: ${spec.rule}.`]),
    ...(spec.notes ?? []),
  ];
  return page.value({
    name: `${table}-row-${String(spec.row).padStart(2, "0")}`,
    anchor,
    expression: spec.expression,
    printed: spec.printed,
    expected: BOOLEANS[spec.printed],
    type: "BOOLEAN",
    ...(notes.length === 0 ? {} : { notes }),
  });
}

function like(row: number, expression: string, printed: Printed) {
  return match(LIKE, "like", { row, expression, printed });
}

function similar(row: number, expression: string, printed: Printed, rule: string, notes?: readonly string[]) {
  return match(SIMILAR, "similar", {
    row,
    expression,
    printed,
    rule,
    ...(notes === undefined ? {} : { notes }),
  });
}

function concat(name: string, expression: string, result: string) {
  return page.value({ name, anchor: CONCAT, expression, printed: result, expected: result });
}

const likeCases = [
  like(1, "'a' LIKE 'a'", "TRUE"),
  like(2, "'a' LIKE 'A'", "FALSE"),
  like(3, "'a' LIKE 'b'", "FALSE"),
  like(4, "'ab' LIKE 'a_'", "TRUE"),
  like(5, "'ab' LIKE 'a%'", "TRUE"),
  like(6, "'ab' LIKE 'a\\_' ESCAPE '\\'", "FALSE"),
  like(7, "'ab' LIKE 'a\\%' ESCAPE '\\'", "FALSE"),
  like(8, "'a_' LIKE 'a\\_' ESCAPE '\\'", "TRUE"),
  like(9, "'a%' LIKE 'a\\%' ESCAPE '\\'", "TRUE"),
  like(10, "'a' LIKE 'a_'", "FALSE"),
  like(11, "'a' LIKE 'a%'", "TRUE"),
  like(12, "'abcd' LIKE 'a_'", "FALSE"),
  like(13, "'abcd' LIKE 'a%'", "TRUE"),
  like(14, "'' LIKE ''", "TRUE"),
  like(15, "'1a' LIKE '_a'", "TRUE"),
  like(16, "'123aXYZ' LIKE '%a%'", "TRUE"),
  like(17, "'123aXYZ' LIKE '_%_a%_'", "TRUE"),
];

const MISSING_BAR =
  "The Rule 6 ('bar', matches either seq) rows print the pattern 'amyfred' with no bar; this row is FALSE either way, rows 22–23 (TRUE) are left out.";

const similarCases = [
  similar(1, "'a' SIMILAR TO 'a'", "TRUE", "14"),
  similar(2, "'a' SIMILAR TO 'A'", "FALSE", "14"),
  similar(3, "'a' SIMILAR TO 'b'", "FALSE", "14"),
  similar(4, "'ab' SIMILAR TO 'a_'", "TRUE", "12"),
  similar(5, "'ab' SIMILAR TO 'a%'", "TRUE", "13"),
  similar(6, "'a' SIMILAR TO 'a_'", "FALSE", "12 & 14"),
  similar(7, "'a' SIMILAR TO 'a%'", "TRUE", "13"),
  similar(8, "'abcd' SIMILAR TO 'a_'", "FALSE", "12"),
  similar(9, "'abcd' SIMILAR TO 'a%'", "TRUE", "13"),
  similar(10, "'' SIMILAR TO ''", "TRUE", "14"),
  similar(11, "'1a' SIMILAR TO '_a'", "TRUE", "12"),
  similar(13, "'123aXYZ' SIMILAR TO '_%_a%_'", "TRUE", "13 & 12"),
  similar(14, "'xy' SIMILAR TO '(xy)'", "TRUE", "1"),
  similar(15, "'abd' SIMILAR TO '[ab][bcde]d'", "TRUE", "2"),
  similar(16, "'bdd' SIMILAR TO '[ab][bcde]d'", "TRUE", "2"),
  similar(17, "'abd' SIMILAR TO '[ab]d'", "FALSE", "2"),
  similar(18, "'cd' SIMILAR TO '[a-e]d'", "TRUE", "2"),
  similar(19, "'cd' SIMILAR TO '[a-e^c]d'", "FALSE", "4"),
  similar(24, "'mike' SIMILAR TO 'amyfred'", "FALSE", "6", [MISSING_BAR]),
  similar(25, "'acd' SIMILAR TO 'ab*c+d'", "TRUE", "7 & 8"),
  similar(26, "'accccd' SIMILAR TO 'ab*c+d'", "TRUE", "7 & 8"),
  similar(27, "'abd' SIMILAR TO 'ab*c+d'", "FALSE", "7 & 8"),
  similar(28, "'aabc' SIMILAR TO 'ab*c+d'", "FALSE", "(empty)"),
  similar(29, "'abb' SIMILAR TO 'a(b{3})'", "FALSE", "9"),
  similar(30, "'abbb' SIMILAR TO 'a(b{3})'", "TRUE", "9"),
  similar(31, "'abbbbb' SIMILAR TO 'a(b{3})'", "FALSE", "9"),
  similar(32, "'abbbbb' SIMILAR TO 'ab{3,6}'", "TRUE", "10"),
  similar(33, "'abbbbbbbb' SIMILAR TO 'ab{3,6}'", "FALSE", "10"),
  similar(34, "'' SIMILAR TO 'ab?'", "FALSE", "11"),
  similar(35, "'' SIMILAR TO '(ab)?'", "TRUE", "11"),
  similar(36, "'a' SIMILAR TO 'ab?'", "TRUE", "11"),
  similar(37, "'a' SIMILAR TO '(ab)?'", "FALSE", "11"),
  similar(38, "'a' SIMILAR TO 'a(b?)'", "TRUE", "11"),
  similar(39, "'ab' SIMILAR TO 'ab?'", "TRUE", "11"),
  similar(40, "'ab' SIMILAR TO 'a(b?)'", "TRUE", "11"),
  similar(41, "'abb' SIMILAR TO 'ab?'", "FALSE", "11"),
  similar(42, "'ab' SIMILAR TO 'a\\_' ESCAPE '\\'", "FALSE", "16"),
  similar(43, "'ab' SIMILAR TO 'a\\%' ESCAPE '\\'", "FALSE", "16"),
  similar(44, "'a_' SIMILAR TO 'a\\_' ESCAPE '\\'", "TRUE", "16"),
  similar(45, "'a%' SIMILAR TO 'a\\%' ESCAPE '\\'", "TRUE", "16"),
  similar(46, "'a(b{3})' SIMILAR TO 'a(b{3})'", "FALSE", "16"),
  similar(47, "'a(b{3})' SIMILAR TO 'a\\(b\\{3\\}\\)' ESCAPE '\\'", "TRUE", "16"),
];

/**
 * SQL reference, "String Operators": concatenation, the LIKE table and the SIMILAR TO table. Rows
 * left out (see the README): `<col1>||…` (a template), the SIMILAR TO rows printed INVALID (error
 * cases: rows 20–21), and SIMILAR TO rows 12, 22 and 23, which contradict their own rule.
 */
export const sqlReferenceStringOperators: readonly GoldenCase[] = [
  concat("concat-two", "'SQL'||'stream'", "SQLstream"),
  concat("concat-empty-middle", "'SQL'||''||'stream'", "SQLstream"),
  concat("concat-three", "'SQL'||'stream'||' Incorporated'", "SQLstream Incorporated"),
  ...likeCases,
  ...similarCases,
  page.error({
    name: "similar-row-20",
    anchor: SIMILAR,
    expression: "'cd' SIMILAR TO '[^(a-e)]d'",
    error: "INVALID",
    notes: ["The table prints INVALID across the Result and Rule columns; no message."],
  }),
  page.error({
    name: "similar-row-21",
    anchor: SIMILAR,
    expression: "'yd' SIMILAR TO '[^(a-e)]d'",
    error: "INVALID",
    notes: ["The table prints INVALID across the Result and Rule columns; no message."],
  }),
];
