import type { ScalarSqlFunction } from "../function-contract.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { anyNullable, expectArity, literalString, wrongTypes } from "../support/arguments.ts";
import { isCharacterArgument } from "../support/character-arguments.ts";
import { compiledOnceOrCached } from "../support/compiled-cache.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { isUntyped, sqlType, varchar } from "../support/sql-types.ts";
import { type DatetimeKind, toKind } from "./datetime-literals.ts";
import { compileDateFormat } from "./simple-date-format.ts";

function charToDatetime(name: string, kind: DatetimeKind): ScalarSqlFunction {
  return strictScalar({
    name,
    returnType: (args) => {
      expectArity(name, args, 2);
      if (!args.every((a) => isCharacterArgument(a.type)))
        wrongTypes(name, "a format string and a character string", args);
      return sqlType(kind, anyNullable(args));
    },
    compile: (args) => {
      const formatOf = compiledOnceOrCached(literalString(args[0]), compileDateFormat);
      return (values, context) => {
        const format = formatOf(values[0] as string);
        const text = values[1] as string;
        const ms = format.parse(text, context.queryStart);
        if (ms === undefined) {
          throw new SqlFunctionError(`${name}: '${text}' does not match the format '${format.pattern}'`);
        }
        return toKind(kind, ms);
      };
    },
  });
}

function datetimeToChar(name: string, kind: DatetimeKind, nullText: string | null): ScalarSqlFunction {
  return {
    ...strictScalar({
      name,
      returnType: (args) => {
        expectArity(name, args, 2);
        const ok =
          isCharacterArgument(args[0]!.type) && (args[1]!.type.name === kind || isUntyped(args[1]!.type));
        if (!ok) wrongTypes(name, `a format string and a ${kind}`, args);
        return varchar(1024, nullText === null ? anyNullable(args) : args[0]!.type.nullable);
      },
      compile: (args) => {
        const formatOf = compiledOnceOrCached(literalString(args[0]), compileDateFormat);
        return (values) => formatOf(values[0] as string).format(values[1] as number);
      },
    }),
    ...(nullText === null ? {} : nullDatetimeAs(name, nullText)),
  };
}

/** TIMESTAMP_TO_CHAR's documented quirk: a NULL timestamp gives the string "null". */
function nullDatetimeAs(name: string, text: string): Pick<ScalarSqlFunction, "prepare" | "evaluate"> {
  const inner = datetimeToChar(name, "TIMESTAMP", null);
  return {
    prepare: (args) => {
      const body = inner.prepare!(args);
      return (values, context) => (values[0] !== null && values[1] === null ? text : body(values, context));
    },
    evaluate: (values, context) =>
      values[0] !== null && values[1] === null ? text : inner.evaluate(values, context),
  };
}

/**
 * CHAR_TO_DATE, CHAR_TO_TIME, CHAR_TO_TIMESTAMP('format', s) and DATE_TO_CHAR, TIME_TO_CHAR,
 * TIMESTAMP_TO_CHAR('format', dt) with Java SimpleDateFormat patterns, compiled once per call site
 * when the format is a literal. A string that does not fit its format is a row error (KDA shows
 * "No rows selected", decision A6). TIMESTAMP_TO_CHAR of a NULL timestamp is the string "null", as
 * its page says; the other two give NULL.
 */
export const charDatetimeFunctions: readonly ScalarSqlFunction[] = [
  charToDatetime("CHAR_TO_DATE", "DATE"),
  charToDatetime("CHAR_TO_TIME", "TIME"),
  charToDatetime("CHAR_TO_TIMESTAMP", "TIMESTAMP"),
  datetimeToChar("DATE_TO_CHAR", "DATE", null),
  datetimeToChar("TIME_TO_CHAR", "TIME", null),
  datetimeToChar("TIMESTAMP_TO_CHAR", "TIMESTAMP", "null"),
];
