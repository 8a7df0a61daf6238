import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-overlay",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});

function overlay(name: string, expression: string, result: string) {
  return page.value({
    name,
    anchor: "sqlrf-overlay-examples",
    expression,
    printed: result,
    expected: result,
  });
}

/** SQL reference, "OVERLAY": the examples table. */
export const sqlReferenceOverlay: readonly GoldenCase[] = [
  overlay("from-1", "OVERLAY ('12345' PLACING 'foo' FROM 1)", "foo45"),
  overlay("from-0", "OVERLAY ('12345' PLACING 'foo' FROM 0)", "foo345"),
  overlay("from-minus-2", "OVERLAY ('12345' PLACING 'foo' FROM -2)", "foo12345"),
  overlay("from-4", "OVERLAY ('12345' PLACING 'foo' FROM 4)", "123foo"),
  overlay("from-beyond-end", "OVERLAY ('12345' PLACING 'foo' FROM 17)", "12345foo"),
  overlay("for-0", "OVERLAY ('12345' PLACING 'foo' FROM 2 FOR 0)", "1foo2345"),
  overlay("for-2", "OVERLAY ('12345' PLACING 'foo' FROM 2 FOR 2)", "1foo45"),
  overlay("for-beyond-end", "OVERLAY ('12345' PLACING 'foo' FROM 2 FOR 9)", "1foo"),
];
