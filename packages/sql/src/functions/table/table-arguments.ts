import { formatSqlType, isCharacterType, type SqlField, type SqlType } from "../../types/sql-type.ts";
import { type ArgumentInfo, SqlFunctionError } from "../function-contract.ts";

/**
 * Reads the literal settings of a table function call (`TOP_K_ITEMS_TUMBLING(cursor, 'TICKER', 5, 60)`)
 * and refuses, with a message naming the function, the parameter and its documented range, what
 * KDA documents as invalid. `args` are the arguments after the cursor.
 */
export class TableArguments {
  readonly #functionName: string;
  readonly #args: readonly ArgumentInfo[];

  constructor(functionName: string, args: readonly ArgumentInfo[], maxCount: number) {
    this.#functionName = functionName;
    this.#args = args;
    if (args.length > maxCount) {
      throw this.error(
        `takes a cursor and at most ${maxCount} more argument${maxCount === 1 ? "" : "s"}, got ${args.length}`,
      );
    }
  }

  /** A {@link SqlFunctionError} whose message starts with the function's name. */
  error(message: string): SqlFunctionError {
    return new SqlFunctionError(`${this.#functionName} ${message}`);
  }

  /** Whether the call gave the argument at `index` (optional parameters may be left off). */
  has(index: number): boolean {
    return index < this.#args.length;
  }

  /**
   * The integer literal at `index`, within `[min, max]` (inclusive); `fallback` when the call left
   * it off, or an error when the parameter is required (`fallback` undefined).
   */
  integer(index: number, parameter: string, range: { min: number; max: number }, fallback?: number): number {
    const value = this.#literal(index, parameter, fallback);
    if (typeof value !== "number" || !Number.isInteger(value)) {
      throw this.error(
        `${parameter} must be an integer literal from ${describeRange(range)}, got ${show(value)}`,
      );
    }
    if (value < range.min || value > range.max) {
      throw this.error(`${parameter} must be from ${describeRange(range)}, got ${value}`);
    }
    return value;
  }

  /** The numeric literal at `index`, greater than `exclusiveMin`. */
  positiveNumber(index: number, parameter: string, exclusiveMin: number): number {
    const value = this.#literal(index, parameter);
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw this.error(
        `${parameter} must be a number literal greater than ${exclusiveMin}, got ${show(value)}`,
      );
    }
    if (value <= exclusiveMin)
      throw this.error(`${parameter} must be greater than ${exclusiveMin}, got ${value}`);
    return value;
  }

  /** The BOOLEAN literal at `index`, or `fallback` when the call left it off. */
  boolean(index: number, parameter: string, fallback: boolean): boolean {
    const value = this.#literal(index, parameter, fallback);
    if (typeof value !== "boolean")
      throw this.error(`${parameter} must be TRUE or FALSE, got ${show(value)}`);
    return value;
  }

  /** The character literal at `index` (`'TICKER'`). */
  string(index: number, parameter: string): string {
    const info = this.#args[index];
    const value = this.#literal(index, parameter);
    if (typeof value !== "string" || (info !== undefined && !isCharacterType(info.type))) {
      throw this.error(`${parameter} must be a character literal in single quotes, got ${show(value)}`);
    }
    return value;
  }

  /**
   * The cursor's column that the character literal at `index` names: the exact name first, else the
   * only column whose name differs only in case (KDA's examples write `'column1'` for `COLUMN1`).
   */
  column(index: number, parameter: string, input: readonly SqlField[]): SqlField {
    const name = this.string(index, parameter);
    const exact = input.find((f) => f.name === name);
    if (exact) return exact;
    const folded = input.filter((f) => f.name.toUpperCase() === name.toUpperCase());
    if (folded.length === 1) return folded[0]!;
    const known = input.map((f) => f.name).join(", ");
    throw this.error(
      folded.length > 1
        ? `${parameter} '${name}' matches several columns when case is ignored (${folded.map((f) => f.name).join(", ")}); write the name exactly`
        : `${parameter} '${name}' is not a column of the cursor (columns: ${known})`,
    );
  }

  #literal(index: number, parameter: string, fallback?: number | boolean): unknown {
    const info = this.#args[index];
    if (info === undefined) {
      if (fallback === undefined) throw this.error(`needs the ${parameter} argument`);
      return fallback;
    }
    if (!("literal" in info) || info.literal === undefined) {
      throw this.error(`${parameter} must be a literal (a constant in the SQL), got an expression`);
    }
    return info.literal;
  }
}

function describeRange(range: { min: number; max: number }): string {
  return `${range.min.toLocaleString("en-US")} to ${range.max.toLocaleString("en-US")}`;
}

function show(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (value === null) return "NULL";
  if (typeof value === "object") return "a non-scalar value";
  return String(value);
}

/** A nullable column of type `name` (the columns table functions add). */
export function addedColumn(name: string, type: SqlType["name"]): SqlField {
  return { name, type: { name: type, nullable: true } };
}

/**
 * Refuses an added column whose name the cursor already has (the output would hold two columns of
 * one name).
 */
export function withAddedColumns(
  functionName: string,
  input: readonly SqlField[],
  added: readonly SqlField[],
): readonly SqlField[] {
  for (const column of added) {
    const clash = input.find((f) => f.name === column.name);
    if (clash) {
      throw new SqlFunctionError(
        `${functionName} adds the column ${column.name}, which the cursor already has (${formatSqlType(clash.type)}): select the cursor's columns without it`,
      );
    }
  }
  return [...input, ...added];
}
