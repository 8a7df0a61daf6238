import { forEachChild, type TypedExpression } from "./typed-expression.ts";

// The monotonic expressions of the reference (§6): ROWTIME, a column known to be monotonic,
// FLOOR/CEIL/STEP of one, `m + c` / `m - c`, and anything wrapped in MONOTONIC(...).
const KEEPS_DIRECTION = new Set(["FLOOR", "CEIL", "CEILING", "STEP"]);

/** Whether an expression never decreases from row to row of a stream (reference §6). */
export function isMonotonic(e: TypedExpression): boolean {
  switch (e.kind) {
    case "rowtime":
      return true;
    case "column":
      return e.monotonic;
    case "call": {
      const name = e.fn.name;
      if (name === "MONOTONIC") return true;
      if (KEEPS_DIRECTION.has(name)) return e.args[0] !== undefined && isMonotonic(e.args[0]);
      if (name === "+") return e.args.some(isMonotonic) && e.args.some((a) => a.kind === "literal");
      if (name === "-")
        return e.args[0] !== undefined && isMonotonic(e.args[0]) && e.args[1]?.kind === "literal";
      return false;
    }
    default:
      return false;
  }
}

/** Whether an expression reads ROWTIME (a GROUP BY may have only one such key). */
export function referencesRowtime(e: TypedExpression): boolean {
  if (e.kind === "rowtime") return true;
  let found = false;
  forEachChild(e, (child) => {
    found ||= referencesRowtime(child);
  });
  return found;
}

/** Whether two checked expressions compute the same thing (GROUP BY keys in the select list). */
export function sameExpression(a: TypedExpression, b: TypedExpression): boolean {
  return shapeOf(a) === shapeOf(b);
}

function shapeOf(e: TypedExpression): string {
  switch (e.kind) {
    case "literal":
      return `lit:${JSON.stringify(e.value)}`;
    case "column":
      return `col:${e.index}`;
    case "rowtime":
      return "rowtime";
    case "call":
    case "aggregate":
    case "analytic":
      return `${e.kind}:${e.fn.name}(${e.args.map(shapeOf).join(",")})`;
    case "logical":
      return `${e.op}(${e.args.map(shapeOf).join(",")})`;
    case "is":
      return `is:${e.test}:${e.negated}(${shapeOf(e.arg)}${e.other ? `,${shapeOf(e.other)}` : ""})`;
    case "case":
      return `case(${e.branches.map((b) => `${shapeOf(b.when)}:${shapeOf(b.result)}`).join(",")};${e.otherwise ? shapeOf(e.otherwise) : ""})`;
    case "field":
      return `${shapeOf(e.arg)}.${e.field}`;
  }
}
