/**
 * The golden `application` cases that run from their SQL text through Eddy's parser, checker and
 * planner with the documented rows. `application-cases.test.ts` runs every case, requires these to
 * pass and asks for any other passing case to be added here: the list only grows.
 */
export const supportedApplicationCases: readonly string[] = [
  "stagger-window-concepts/tumbling-partial-results",
  "stagger-window-concepts/stagger-complete-results",
  "sql-reference-aggregate-functions/min-max-per-day",
  "sql-reference-aggregate-functions/min-max-avg-per-city-per-day",
  "sql-reference-join-clause/example-1",
  "sql-reference-join-clause/example-2",
  "sql-reference-join-clause/example-3",
  "sql-reference-join-clause/example-4",
  "sql-reference-join-clause/example-5",
  "sql-reference-join-clause/example-6",
  "sql-reference-query/values-rows",
  "sql-reference-query/values-subquery-with-column-names",
  "sql-reference-rowtime/select-star-omits-rowtime",
  "sql-reference-rowtime/select-rowtime-and-star",
  "sql-reference-select/stream-star",
  "sql-reference-select/stream-where",
  "sql-reference-windowed-aggregation-stream/min-max-last-day",
  "sql-reference-windowed-aggregation-stream/min-max-avg-last-day-per-city",
  "sql-reference-windowed-aggregation-stream/hourly-volume-with-rowtime-bounds",
];
