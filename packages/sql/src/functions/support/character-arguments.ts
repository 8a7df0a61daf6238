import { isCharacterType, type SqlType } from "../../types/sql-type.ts";
import type { ArgumentInfo } from "../function-contract.ts";
import { wrongTypes } from "./arguments.ts";
import { isUntyped } from "./sql-types.ts";

/** Whether an argument can be a character string (CHAR, VARCHAR, or the untyped NULL). */
export function isCharacterArgument(type: SqlType): boolean {
  return isCharacterType(type) || isUntyped(type);
}

/** Throws unless the arguments at `positions` are character strings. */
export function expectCharacterArguments(
  name: string,
  args: readonly ArgumentInfo[],
  expected: string,
  positions: readonly number[] = args.map((_, i) => i),
): void {
  for (const i of positions) {
    const arg = args[i];
    if (arg !== undefined && !isCharacterArgument(arg.type)) wrongTypes(name, expected, args);
  }
}

/** The declared length of a character argument (unbounded VARCHAR counts as 65535, KDA's maximum). */
export function characterLength(type: SqlType | undefined): number {
  return type?.length ?? MAX_CHARACTER_LENGTH;
}

/** KDA's largest CHAR/VARCHAR length ("n must be less than 65535"), also REGEX_REPLACE's result type. */
export const MAX_CHARACTER_LENGTH = 65535;
