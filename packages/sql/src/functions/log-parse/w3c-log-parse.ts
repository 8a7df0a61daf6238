import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { requireLiteralString } from "../support/arguments.ts";
import { defaultColumns, rowBuilder } from "./column-list.ts";
import { logParser } from "./define-log-parser.ts";

/** The predefined formats of W3C_LOG_PARSE's page, as Apache format strings. */
export const W3C_FORMATS: Readonly<Record<string, string>> = {
  COMMON: '%h %l %u %t "%r" %>s %b',
  "COMMON WITH VHOST": '%v %h %l %u %t "%r" %>s %b',
  "NCSA EXTENDED": '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"',
  REFERER: "%{Referer}i ---> %U",
  AGENT: "%{User-agent}i",
};

/**
 * The IIS format, which the page names but does not spell out: Microsoft's IIS log file format,
 * fifteen comma-and-space separated fields (client IP, user name, date, time, service and
 * instance, server name, server IP, time taken, client bytes sent, server bytes sent, service
 * status code, Windows status code, request type, target of operation, parameters), the line
 * ending with a comma.
 */
const IIS_FIELDS = 15;

const SPECIFIER =
  /^%(!?\d{3}(?:,\d{3})*)?([<>])?(?:\{([^}]*)\}|\[([^\]]*)\])?([%aABbCDefhHilmnopPqrstTuUvVXIO])/;

const escapeJs = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");

/**
 * Compiles an Apache `LogFormat` string to a regular expression with one group per specifier:
 * a quoted field runs to its closing quote (backslash escapes inside), `%t` is the bracketed
 * `[24/May/2004:22:01:02 -0700]` — without its brackets when the format puts `[%t]` — and other
 * fields are as short as the literal text after them allows (the last one takes the rest).
 */
export function compileApacheFormat(format: string): { regex: RegExp; fields: number } {
  let source = "";
  let fields = 0;
  for (let i = 0; i < format.length; ) {
    if (format[i] === "%") {
      const m = SPECIFIER.exec(format.slice(i));
      if (m === null)
        throw new SqlFunctionError(
          `W3C_LOG_PARSE: unknown format specifier at '${format.slice(i, i + 6)}' in '${format}'`,
        );
      i += m[0].length;
      const letter = m[5]!;
      if (letter === "%") {
        source += "%";
        continue;
      }
      fields++;
      const quoted = format[i - m[0].length - 1] === '"' && format[i] === '"';
      const bracketed = format[i - m[0].length - 1] === "[" && format[i] === "]";
      if (quoted) source += '((?:[^"\\\\]|\\\\.)*)';
      else if (letter === "t" && m[3] === undefined && m[4] === undefined && !bracketed)
        source += "(\\[[^\\]]*\\])";
      else if (bracketed) source += "([^\\]]*)";
      else source += i >= format.length ? "(.*)" : "(.*?)";
    } else {
      source += escapeJs(format[i]!);
      i++;
    }
  }
  return { regex: new RegExp(`^${source}$`, "s"), fields };
}

function iisParser(): { regex: RegExp; fields: number } {
  return {
    regex: new RegExp(`^${Array.from({ length: IIS_FIELDS }, () => "([^,]*)").join(", ")},?\\s*$`, "s"),
    fields: IIS_FIELDS,
  };
}

/**
 * W3C_LOG_PARSE(line, format)
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-w3c-log-parse.html):
 * `format` is COMMON, COMMON WITH VHOST, NCSA EXTENDED, REFERER, AGENT, IIS or an Apache format
 * string (`%h %l %u %t \"%r\" %>s %b`); one column per specifier, COLUMN1…COLUMNn VARCHAR(1024)
 * (the page's example shows `%t` with its brackets and `"%r"` without its quotes). Every column is
 * text: the page's own account of which specifiers are numeric contradicts Apache's (`%b` writes
 * `-` for no bytes), so numbers are left to a CAST. NULL when the line does not fit the format.
 */
export const w3cLogParseFunction: ScalarSqlFunction = logParser({
  name: "W3C_LOG_PARSE",
  arity: [2, 2],
  expected: "(line VARCHAR, format VARCHAR literal)",
  characterSettings: [1],
  compile: (args) => {
    const text = requireLiteralString("W3C_LOG_PARSE", args[1], "its format");
    const name = text.trim().toUpperCase().replace(/\s+/g, " ");
    const compiled =
      name === "IIS" ? iisParser() : compileApacheFormat(W3C_FORMATS[name] ?? text.replace(/\\"/g, '"'));
    if (compiled.fields === 0)
      throw new SqlFunctionError(`W3C_LOG_PARSE: the format '${text}' has no specifiers`);
    const columns = defaultColumns(compiled.fields);
    const build = rowBuilder("W3C_LOG_PARSE", columns);
    return {
      columns,
      parse: (line, context) => {
        const m = compiled.regex.exec(line.trim());
        return m === null ? null : build(m.slice(1), context);
      },
    };
  },
});
