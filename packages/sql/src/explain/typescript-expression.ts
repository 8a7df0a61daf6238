import type { CallExpression, Expression } from "../syntax/ast.ts";

/** A SQL construct the TypeScript printer has no clean DSL equivalent for; the message names it. */
export class NoTypeScriptEquivalent extends Error {}

/** A translated expression: its TypeScript text and whether it may be `null` (SQL NULL). */
export interface TsCode {
  readonly code: string;
  readonly nullable: boolean;
  /** An exact integer (SQL INTEGER, BIGINT…): `/` between two of them truncates, as SQL's does. */
  readonly integer?: boolean;
}

/**
 * How names and special calls read in the code being printed: `column` resolves a (possibly
 * qualified) column name, `call` may take over a call (an aggregate already computed, a
 * STEP of ROWTIME that became the window start) and returns undefined to leave it to the
 * translator.
 */
export interface TsScope {
  column(parts: readonly string[]): TsCode | undefined;
  call?(call: CallExpression): TsCode | undefined;
}

const BINARY: Record<string, string> = {
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
  "%": "%",
  "=": "===",
  "<>": "!==",
  "!=": "!==",
  "<": "<",
  ">": ">",
  "<=": "<=",
  ">=": ">=",
};

/** One-argument SQL functions and the TypeScript they read as (`$` is the argument). */
const UNARY_FUNCTIONS: Record<string, string> = {
  UPPER: "$.toUpperCase()",
  LOWER: "$.toLowerCase()",
  CHAR_LENGTH: "$.length",
  CHARACTER_LENGTH: "$.length",
  ABS: "Math.abs($)",
  FLOOR: "Math.floor($)",
  CEIL: "Math.ceil($)",
  CEILING: "Math.ceil($)",
  SQRT: "Math.sqrt($)",
  LN: "Math.log($)",
  LOG10: "Math.log10($)",
  EXP: "Math.exp($)",
};

/** A non-null operand: SQL's NULL propagation is left to the reader (see the printed header). */
function operand(value: TsCode): string {
  return value.nullable ? `${value.code}!` : value.code;
}

function castTo(typeText: string, value: TsCode): TsCode {
  const type = typeText.toUpperCase().replace(/\(.*$/, "").trim();
  if (/^(VARCHAR|CHAR|CHARACTER)/.test(type)) return { code: `String(${operand(value)})`, nullable: false };
  if (/^(INTEGER|INT|BIGINT|SMALLINT|TINYINT)$/.test(type))
    return { code: `Math.trunc(Number(${operand(value)}))`, nullable: false, integer: true };
  if (/^(REAL|DOUBLE|DOUBLE PRECISION|FLOAT|DECIMAL|NUMERIC)$/.test(type))
    return { code: `Number(${operand(value)})`, nullable: false };
  throw new NoTypeScriptEquivalent(`CAST to ${typeText}`);
}

function translateCall(call: CallExpression, scope: TsScope): TsCode {
  const taken = scope.call?.(call);
  if (taken !== undefined) return taken;
  if (call.over !== undefined) throw new NoTypeScriptEquivalent(`${call.name} OVER in this position`);
  const args = call.args.map((a) => translateExpression(a, scope));
  const symbol = BINARY[call.name];
  if (symbol !== undefined && args.length === 2) {
    const [left, right] = args as [TsCode, TsCode];
    const integer = left.integer === true && right.integer === true && "+-*/%".includes(call.name);
    const code = `(${operand(left)} ${symbol} ${operand(right)})`;
    return { code: integer && call.name === "/" ? `Math.trunc${code}` : code, nullable: false, integer };
  }
  if (call.name === "-" && args.length === 1) return { code: `-${operand(args[0]!)}`, nullable: false };
  if (call.name === "||" && args.length === 2)
    return { code: `(${operand(args[0]!)} + ${operand(args[1]!)})`, nullable: false };
  if (call.name === "CAST") {
    const type = call.args[1];
    if (type?.kind === "literal" && type.type === "string") return castTo(type.value, args[0]!);
  }
  if (call.name === "COALESCE" && args.length > 0)
    return { code: `(${args.map((a) => a.code).join(" ?? ")})`, nullable: args.at(-1)!.nullable };
  if (call.name === "MOD" && args.length === 2)
    return { code: `(${operand(args[0]!)} % ${operand(args[1]!)})`, nullable: false };
  if (call.name === "POWER" && args.length === 2)
    return { code: `(${operand(args[0]!)} ** ${operand(args[1]!)})`, nullable: false };
  if (call.name === "TRIM" && args.length === 1)
    return { code: `${operand(args[0]!)}.trim()`, nullable: false };
  const template = UNARY_FUNCTIONS[call.name];
  if (template !== undefined && args.length === 1)
    return { code: template.replace("$", operand(args[0]!)), nullable: false };
  throw new NoTypeScriptEquivalent(`function ${call.name}`);
}

function literal(expression: Expression & { kind: "literal" }): TsCode {
  switch (expression.type) {
    case "number":
      return { code: expression.text, nullable: false, integer: /^\d+$/.test(expression.text) };
    case "string":
      return { code: JSON.stringify(expression.value), nullable: false };
    case "boolean":
      return { code: String(expression.value), nullable: expression.value === null };
    case "null":
      return { code: "null", nullable: true };
    default:
      throw new NoTypeScriptEquivalent(`${expression.type} literal`);
  }
}

/**
 * A SQL expression as a TypeScript expression over the record in scope: arithmetic, comparisons,
 * AND/OR/NOT, IS [NOT] NULL, BETWEEN, IN, CASE, CAST to character and numeric types, and the
 * functions with a direct TypeScript equivalent (UPPER, ABS, COALESCE…). Anything else throws
 * {@link NoTypeScriptEquivalent} naming it.
 *
 * @example
 * const scope: TsScope = { column: (parts) => ({ code: `r.${parts.at(-1)}`, nullable: false }) };
 * translateExpression(parseSqlExpression("PRICE * 2 > 10"), scope).code; // "((r.PRICE * 2) > 10)"
 */
export function translateExpression(expression: Expression, scope: TsScope): TsCode {
  switch (expression.kind) {
    case "literal":
      return literal(expression);
    case "name": {
      const parts = expression.parts.map((p) => p.name);
      const resolved = scope.column(parts);
      if (resolved === undefined) throw new NoTypeScriptEquivalent(`column ${parts.join(".")}`);
      return resolved;
    }
    case "call":
      return translateCall(expression, scope);
    case "logical": {
      const args = expression.args.map((a) => operand(translateExpression(a, scope)));
      if (expression.op === "NOT") return { code: `!${args[0]}`, nullable: false };
      return { code: `(${args.join(expression.op === "AND" ? " && " : " || ")})`, nullable: false };
    }
    case "is": {
      if (expression.test !== "NULL") throw new NoTypeScriptEquivalent(`IS ${expression.test}`);
      const arg = translateExpression(expression.arg, scope);
      return { code: `(${arg.code} ${expression.negated ? "!==" : "==="} null)`, nullable: false };
    }
    case "between": {
      const arg = operand(translateExpression(expression.arg, scope));
      const low = operand(translateExpression(expression.low, scope));
      const high = operand(translateExpression(expression.high, scope));
      const test = `(${arg} >= ${low} && ${arg} <= ${high})`;
      return { code: expression.negated ? `!${test}` : test, nullable: false };
    }
    case "in": {
      const arg = operand(translateExpression(expression.arg, scope));
      const list = expression.list.map((e) => operand(translateExpression(e, scope)));
      return {
        code: `${expression.negated ? "!" : ""}[${list.join(", ")}].includes(${arg})`,
        nullable: false,
      };
    }
    case "case": {
      const subject = expression.operand && operand(translateExpression(expression.operand, scope));
      const otherwise = expression.otherwise
        ? translateExpression(expression.otherwise, scope)
        : { code: "null", nullable: true };
      let nullable = otherwise.nullable;
      const code = expression.branches.reduceRight((rest, branch) => {
        const when = operand(translateExpression(branch.when, scope));
        const result = translateExpression(branch.result, scope);
        nullable ||= result.nullable;
        return `(${subject === undefined ? when : `${subject} === ${when}`} ? ${result.code} : ${rest})`;
      }, otherwise.code);
      return { code, nullable };
    }
    default:
      throw new NoTypeScriptEquivalent(expression.kind);
  }
}
