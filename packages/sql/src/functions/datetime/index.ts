import type { SqlFunction } from "../function-contract.ts";
import { charDatetimeFunctions } from "./char-datetime.ts";
import { currentTimeFunctions } from "./current-time.ts";
import { extractFunction } from "./extract.ts";
import { timestampFunctions } from "./timestamp-functions.ts";

/** The date and time functions. */
export const datetimeFamily: readonly SqlFunction[] = [
  ...currentTimeFunctions,
  extractFunction,
  ...timestampFunctions,
  ...charDatetimeFunctions,
];
