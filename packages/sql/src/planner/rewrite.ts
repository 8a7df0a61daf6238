import type { TypedExpression } from "../check/typed-expression.ts";

/**
 * Rebuilds an expression bottom-up where `replace` gives a substitute (a group key or an
 * aggregate call becoming a column of the aggregation's output row), keeping every other node.
 */
export function rewrite(
  e: TypedExpression,
  replace: (e: TypedExpression) => TypedExpression | undefined,
): TypedExpression {
  const substitute = replace(e);
  if (substitute !== undefined) return substitute;
  const again = (child: TypedExpression) => rewrite(child, replace);
  switch (e.kind) {
    case "call":
      return { ...e, args: e.args.map(again) };
    case "logical":
      return { ...e, args: e.args.map(again) };
    case "is":
      return { ...e, arg: again(e.arg), ...(e.other === undefined ? {} : { other: again(e.other) }) };
    case "case":
      return {
        ...e,
        branches: e.branches.map((b) => ({ when: again(b.when), result: again(b.result) })),
        ...(e.otherwise === undefined ? {} : { otherwise: again(e.otherwise) }),
      };
    case "field":
      return { ...e, arg: again(e.arg) };
    default:
      return e;
  }
}

/** A column of the row an operator produces, standing for what it computed. */
export function outputColumn(e: TypedExpression, index: number, name: string): TypedExpression {
  return { kind: "column", index, name, monotonic: false, type: e.type, span: e.span };
}
