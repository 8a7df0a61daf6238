import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";
import { awsDocs } from "../sources.ts";

const COMMIT = "9a3d9b4027a3cf817aa962967024a384f63fa075";
const page = pageCases({ guide: "sqlref", page: "sql-reference-query", commit: COMMIT });
const VALUES = "sql-reference-query-values-operator";
const SOURCE = awsDocs({ guide: "sqlref", page: "sql-reference-query", anchor: VALUES, commit: COMMIT });

/** SQL reference, "Query": the VALUES operator used as a top-level query and as a subquery. */
export const sqlReferenceQuery: readonly GoldenCase[] = [
  page.value({
    name: "values-boolean-expression",
    anchor: VALUES,
    expression: "1 + 2 > 3",
    printed: "FALSE",
    expected: false,
    type: "BOOLEAN",
    notes: ["The page runs `VALUES 1 + 2 > 3;` and prints column EXPR$0."],
  }),
  {
    kind: "application",
    id: "sql-reference-query/values-rows",
    title: "VALUES with two rows names its anonymous columns EXPR$0, EXPR$1",
    source: SOURCE,
    sql: `VALUES
    (42, 'Fred'),
    (34, 'Wilma');`,
    inputColumns: {},
    inputs: {},
    expected: {
      "": [
        { EXPR$0: 42, EXPR$1: "Fred" },
        { EXPR$0: 34, EXPR$1: "Wilma" },
      ],
    },
  },
  {
    kind: "application",
    id: "sql-reference-query/values-subquery-with-column-names",
    title: "A VALUES subquery with AS t (age, name) names its columns",
    source: SOURCE,
    sql: `SELECT *
FROM (
    VALUES
        (42, 'Fred'),
        (34, 'Wilma')) AS t (age, name);`,
    inputColumns: {},
    inputs: {},
    expected: {
      "": [
        { AGE: 42, NAME: "Fred" },
        { AGE: 34, NAME: "Wilma" },
      ],
    },
  },
];
