import type { SqlFunction } from "../function-contract.ts";
import { patternOperators } from "./pattern-operators.ts";
import { regexReplaceFunction } from "./regex-replace.ts";
import { stringFunctions } from "./string-functions.ts";
import { substringFunctions } from "./substring.ts";
import { trimFunction } from "./trim.ts";

/** The string and search functions and operators. */
export const stringFamily: readonly SqlFunction[] = [
  ...stringFunctions,
  ...substringFunctions,
  trimFunction,
  regexReplaceFunction,
  ...patternOperators,
];
