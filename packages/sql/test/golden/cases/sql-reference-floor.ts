import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-floor",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const anchor = "sqlref-floor-examples";

function floorTo(unit: string, at: string) {
  return page.timestamp({
    name: `timestamp-to-${unit.toLowerCase()}`,
    anchor,
    expression: `FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO ${unit})`,
    printed: `TIMESTAMP '${at}'`,
    at,
  });
}

/** SQL reference, "FLOOR": the examples table. */
export const sqlReferenceFloor: readonly GoldenCase[] = [
  page.numeric({ name: "decimal-whole", anchor, expression: "FLOOR(2.0)", printed: "2" }),
  page.numeric({ name: "decimal-negative-whole", anchor, expression: "FLOOR(-1.0)", printed: "-1" }),
  page.numeric({ name: "decimal-down", anchor, expression: "FLOOR(5.2)", printed: "5" }),
  page.numeric({ name: "negative-away-from-zero", anchor, expression: "FLOOR(-3.3)", printed: "-4" }),
  page.numeric({ name: "negative-product", anchor, expression: "FLOOR(-3 * 3.1)", printed: "-10" }),
  floorTo("HOUR", "2004-09-30 13:00:00"),
  floorTo("MINUTE", "2004-09-30 13:48:00"),
  floorTo("DAY", "2004-09-30 00:00:00.0"),
  floorTo("YEAR", "2004-01-01 00:00:00.0"),
];
