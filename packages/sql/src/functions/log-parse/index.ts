import type { SqlFunction } from "../function-contract.ts";
import {
  fixedColumnLogParseFunction,
  sysLogParseFunction,
  variableColumnLogParseFunction,
} from "./column-parsers.ts";
import { fastRegexLogParserFunctions } from "./fast-regex-log-parser.ts";
import { regexLogParseFunction } from "./regex-log-parse.ts";
import { w3cLogParseFunction } from "./w3c-log-parse.ts";

/** The row-valued log-parsing functions. */
export const logParseFamily: readonly SqlFunction[] = [
  regexLogParseFunction,
  ...fastRegexLogParserFunctions,
  fixedColumnLogParseFunction,
  variableColumnLogParseFunction,
  sysLogParseFunction,
  w3cLogParseFunction,
];
