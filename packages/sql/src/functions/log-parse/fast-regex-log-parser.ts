import type { ScalarSqlFunction } from "../function-contract.ts";
import { requireLiteralString } from "../support/arguments.ts";
import { defaultColumns, rowBuilder } from "./column-list.ts";
import { logParser } from "./define-log-parser.ts";
import { compileFastRegex } from "./fast-regex.ts";

function fastRegexLogParser(name: string): ScalarSqlFunction {
  return logParser({
    name,
    arity: [2, 2],
    expected: "(line VARCHAR, fast regex pattern VARCHAR literal)",
    characterSettings: [1],
    compile: (args) => {
      const regex = compileFastRegex(requireLiteralString(name, args[1], "its pattern"));
      const columns = defaultColumns(regex.groupCount);
      const build = rowBuilder(name, columns);
      return {
        columns,
        parse: (line, context) => {
          const texts = regex.match(line);
          return texts === null ? null : build(texts, context);
        },
      };
    },
  });
}

/**
 * FAST_REGEX_LOG_PARSER(line, pattern)
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-fast-regex-log-parser.html),
 * also called FAST_REGEX_LOG_PARSE as its syntax line writes it: COLUMN1…COLUMNn VARCHAR(1024),
 * one per top-level group; NULL when the line does not fit (see {@link compileFastRegex}).
 */
export const fastRegexLogParserFunctions: readonly ScalarSqlFunction[] = [
  fastRegexLogParser("FAST_REGEX_LOG_PARSER"),
  fastRegexLogParser("FAST_REGEX_LOG_PARSE"),
];
