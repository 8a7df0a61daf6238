import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-template-strings-create-output-timestamps",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const FROM_TABLE =
  "Composed from the table's Template and Input String columns as CHAR_TO_TIMESTAMP('<format_string>','<input_date_time_string>').";

/**
 * SQL reference, "Template Strings to Create Specific Output Timestamps": the rows that differ from
 * the same table on the CAST page (the other rows are cases of the CAST page that list this page
 * in `alsoDocumentedBy`).
 */
export const sqlReferenceTemplateStrings: readonly GoldenCase[] = [
  page.timestamp({
    name: "year-minute",
    expression: "CHAR_TO_TIMESTAMP('yyyy-mm','2011-02-08 07:23:19')",
    printed: "'2011-01-01 00:02:00'",
    at: "2011-01-01 00:02:00",
    notes: [FROM_TABLE, "The CAST page prints this row with 2012."],
  }),
  page.timestamp({
    name: "dashes",
    expression: "CHAR_TO_TIMESTAMP('MM-dd-yyyy','06-23-2011 10:11:12')",
    printed: "'2011-06-23 00:00:00'",
    at: "2011-06-23 00:00:00",
    notes: [FROM_TABLE, "The CAST page prints this row with 2012."],
  }),
];
