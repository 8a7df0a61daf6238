import type { SqlFunction } from "../function-contract.ts";
import { arithmeticOperators } from "./arithmetic.ts";
import { numericFunctions } from "./numeric-functions.ts";
import { roundingFunctions } from "./rounding.ts";
import { stepFunction } from "./step.ts";

/** The numeric functions and the arithmetic operators. */
export const numericFamily: readonly SqlFunction[] = [
  ...numericFunctions,
  ...roundingFunctions,
  stepFunction,
  ...arithmeticOperators,
];
