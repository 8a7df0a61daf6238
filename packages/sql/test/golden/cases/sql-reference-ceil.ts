import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-ceil",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const anchor = "sql-reference-ceil-examples";

function ceilingTo(unit: string, at: string) {
  return page.timestamp({
    name: `timestamp-to-${unit.toLowerCase()}`,
    anchor,
    expression: `CEILING(TIMESTAMP '2004-09-30 13:48:23' TO ${unit})`,
    printed: `TIMESTAMP '${at}'`,
    at,
  });
}

/** SQL reference, "CEIL / CEILING": the examples table. */
export const sqlReferenceCeil: readonly GoldenCase[] = [
  page.numeric({ name: "decimal-whole", anchor, expression: "CEIL(2.0)", printed: "2" }),
  page.numeric({ name: "decimal-negative-whole", anchor, expression: "CEIL(-1.0)", printed: "-1" }),
  page.numeric({ name: "decimal-up", anchor, expression: "CEIL(5.2)", printed: "6" }),
  page.numeric({ name: "negative-toward-zero", anchor, expression: "CEILING(-3.3)", printed: "-3" }),
  page.numeric({ name: "negative-product", anchor, expression: "CEILING(-3 * 3.1)", printed: "-9" }),
  ceilingTo("HOUR", "2004-09-30 14:00:00"),
  ceilingTo("MINUTE", "2004-09-30 13:49:00"),
  ceilingTo("DAY", "2004-10-01 00:00:00.0"),
  ceilingTo("YEAR", "2005-01-01 00:00:00.0"),
];
