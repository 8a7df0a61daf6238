import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-trim",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});

/** A row of the table; the Result column prints the string in single quotes. */
function trim(name: string, expression: string, result: string) {
  return page.value({
    name,
    anchor: "sql-reference-trim-examples",
    expression,
    printed: `'${result}'`,
    expected: result,
  });
}

/** SQL reference, "TRIM": the examples table. */
export const sqlReferenceTrim: readonly GoldenCase[] = [
  trim("default", "TRIM(' Trim front and back ')", "Trim front and back"),
  trim("both-default-character", "TRIM (BOTH FROM ' Trim front and back ')", "Trim front and back"),
  trim("both-space", "TRIM (BOTH ' ' FROM ' Trim front and back ')", "Trim front and back"),
  trim("leading", "TRIM (LEADING 'x' FROM 'xxxTrim frontxxx')", "Trim frontxxx"),
  trim("trailing", "TRIM (TRAILING 'x' FROM 'xxxTrimxBackxxx')", "xxxTrimxBack"),
  trim("nothing-to-trim", "TRIM (BOTH 'y' FROM 'xxxNo y to trimxxx')", "xxxNo y to trimxxx"),
];
