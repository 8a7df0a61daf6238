import type { ScalarSqlFunction } from "../function-contract.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { compileJavaRegex } from "../string/java-regex.ts";
import { literalString, requireLiteralString } from "../support/arguments.ts";
import { defaultColumns, parseColumnList, rowBuilder } from "./column-list.ts";
import { logParser } from "./define-log-parser.ts";

/**
 * REGEX_LOG_PARSE(line, javaRegex [, columns])
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-regex-log-parse.html):
 * one column per capturing group, COLUMN1…COLUMNn VARCHAR(1024) unless a column list names and
 * types them; NULL when the expression does not match the whole line (Java's `matches()`, which
 * the page's `.*(…).*(…)` patterns are written for). Backtracking, greedy unless the pattern says
 * otherwise.
 */
export const regexLogParseFunction: ScalarSqlFunction = logParser({
  name: "REGEX_LOG_PARSE",
  arity: [2, 3],
  expected: "(line VARCHAR, regex VARCHAR literal [, column list VARCHAR literal])",
  characterSettings: [1, 2],
  compile: (args) => {
    const regex = compileJavaRegex(
      requireLiteralString("REGEX_LOG_PARSE", args[1], "its regular expression"),
    );
    const list = literalString(args[2]);
    const columns =
      list === undefined ? defaultColumns(regex.groupCount) : parseColumnList("REGEX_LOG_PARSE", list, false);
    if (columns.length > regex.groupCount) {
      throw new SqlFunctionError(
        `REGEX_LOG_PARSE: ${columns.length} columns but the regular expression has ${regex.groupCount} groups`,
      );
    }
    const build = rowBuilder("REGEX_LOG_PARSE", columns);
    return {
      columns,
      parse: (line, context) => {
        const m = regex.whole.exec(line);
        if (m === null) return null;
        return build(
          columns.map((_, i) => regex.group(m, i + 1)),
          context,
        );
      },
    };
  },
});
