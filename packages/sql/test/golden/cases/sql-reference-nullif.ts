import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-nullif",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const EXAMPLES = "sql-reference-nullif-examples";

/** SQL reference, "NULLIF": the examples table. */
export const sqlReferenceNullif: readonly GoldenCase[] = [
  page.value({
    name: "different-numbers",
    anchor: EXAMPLES,
    expression: "NULLIF(4,2)",
    printed: "4",
    expected: 4,
  }),
  page.value({
    name: "equal-numbers",
    anchor: EXAMPLES,
    expression: "NULLIF(4,4)",
    printed: "<null>",
    expected: null,
  }),
  page.value({
    name: "different-strings",
    anchor: EXAMPLES,
    expression: "NULLIF('amy','fred')",
    printed: "amy",
    expected: "amy",
  }),
  page.value({
    name: "null-second",
    anchor: EXAMPLES,
    expression: "NULLIF('amy', cast(null as varchar(3)))",
    printed: "amy",
    expected: "amy",
  }),
  page.value({
    name: "null-first",
    anchor: EXAMPLES,
    expression: "NULLIF(cast(null as varchar(3)),'fred')",
    printed: "<null>",
    expected: null,
  }),
];
