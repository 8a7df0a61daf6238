import type { SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import { type ArgumentInfo, SqlFunctionError } from "../function-contract.ts";
import { describeTypes } from "./sql-types.ts";

/** Throws unless a call has between `min` and `max` arguments. */
export function expectArity(name: string, args: readonly ArgumentInfo[], min: number, max = min): void {
  if (args.length >= min && args.length <= max) return;
  const expected =
    min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
  throw new SqlFunctionError(
    `${name} expects ${expected} argument${min === 1 && max === 1 ? "" : "s"}, got ${args.length}`,
  );
}

/** Throws the usual "expects ..., got ..." message for arguments of the wrong types. */
export function wrongTypes(name: string, expected: string, args: readonly ArgumentInfo[]): never {
  throw new SqlFunctionError(`${name} expects ${expected}; got ${describeTypes(args.map((a) => a.type))}`);
}

/** Whether any argument may be NULL (the result of a NULL-propagating function may then be NULL). */
export function anyNullable(args: readonly ArgumentInfo[]): boolean {
  return args.some((a) => a.type.nullable);
}

/** A literal character argument, upper-cased keyword style, or undefined when it is not a literal. */
export function literalString(arg: ArgumentInfo | undefined): string | undefined {
  return typeof arg?.literal === "string" ? arg.literal : undefined;
}

/** A required literal character argument (a format, a keyword): throws naming what was expected. */
export function requireLiteralString(name: string, arg: ArgumentInfo | undefined, what: string): string {
  const value = literalString(arg);
  if (value === undefined) throw new SqlFunctionError(`${name} expects ${what} as a character literal`);
  return value;
}

/** A required literal integer argument within bounds. */
export function requireLiteralInteger(
  name: string,
  arg: ArgumentInfo | undefined,
  what: string,
  min = Number.MIN_SAFE_INTEGER,
): number {
  const value = arg?.literal;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    const bound = min === Number.MIN_SAFE_INTEGER ? "" : min === 0 ? " non-negative" : ` >= ${min}`;
    throw new SqlFunctionError(
      `${name} expects ${what} as a${bound} integer literal, got ${value === undefined ? "an expression" : String(value)}`,
    );
  }
  return value;
}

/** The type of argument `i` (the NULL type when absent). */
export function typeOf(args: readonly ArgumentInfo[], i: number): SqlType {
  return args[i]?.type ?? { name: "NULL", nullable: true };
}

/** Whether any value is NULL. */
export function hasNull(values: readonly SqlValue[]): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] === null) return true;
  return false;
}
