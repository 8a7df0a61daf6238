import { isCharacterType, isIntegerType } from "../../types/sql-type.ts";
import type { ScalarSqlFunction } from "../function-contract.ts";
import { anyNullable, expectArity, literalString, wrongTypes } from "../support/arguments.ts";
import {
  characterLength,
  expectCharacterArguments,
  isCharacterArgument,
} from "../support/character-arguments.ts";
import { compiledOnceOrCached } from "../support/compiled-cache.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { isUntyped, varchar } from "../support/sql-types.ts";
import { compileJavaRegex } from "./java-regex.ts";
import { compileSimilarSubstring } from "./similar-to.ts";

/**
 * The characters of `s` from 1-based `start` for `length` (all the rest when absent), SQL:2008's
 * rule for starts below 1: the length shrinks by `1 - start`. Undefined when the start is past
 * the end.
 */
function positional(s: string, start: number, length: number | undefined): string | undefined {
  if (length !== undefined && length < 0) return "";
  if (start > s.length) return undefined;
  const from = Math.max(start, 1);
  const end = length === undefined ? s.length : start + length - 1;
  return end < from ? "" : s.slice(from - 1, end);
}

const START_LENGTH = "a character string, an integer start position and an optional integer length";

/**
 * SUBSTRING as KDA documents it, in its three call forms
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-substring.html):
 * - `SUBSTRING(s, start [, length])`: a start past the end gives NULL (the page's numeric examples);
 * - `SUBSTRING FROM` — `SUBSTRING(s FROM start [FOR length])`: a start past the end gives the empty
 *   string (the FROM/FOR examples); `SUBSTRING(s FROM 'regex')`: the first match of the Java
 *   regular expression, NULL without one;
 * - `SUBSTRING SIMILAR` — `SUBSTRING(s SIMILAR p ESCAPE e)`.
 */
export const substringFunctions: readonly ScalarSqlFunction[] = [
  strictScalar({
    name: "SUBSTRING",
    returnType: (args) => {
      expectArity("SUBSTRING", args, 2, 3);
      checkPositional("SUBSTRING", args);
      return varchar(characterLength(args[0]!.type), true);
    },
    compile: () => (values) =>
      positional(values[0] as string, values[1] as number, values[2] as number | undefined) ?? null,
  }),
  strictScalar({
    name: "SUBSTRING FROM",
    returnType: (args) => {
      expectArity("SUBSTRING FROM", args, 2, 3);
      if (args.length === 2 && isCharacterType(args[1]!.type)) {
        expectCharacterArguments("SUBSTRING", args, "a character string and a regular expression");
        return varchar(characterLength(args[0]!.type), true);
      }
      checkPositional("SUBSTRING", args);
      return varchar(characterLength(args[0]!.type), anyNullable(args));
    },
    compile: (args) => {
      if (args.length === 2 && isCharacterType(args[1]!.type)) {
        const regexOf = compiledOnceOrCached(literalString(args[1]), compileJavaRegex);
        return (values) => {
          const regex = regexOf(values[1] as string);
          regex.search.lastIndex = 0;
          const m = regex.search.exec(values[0] as string);
          return m === null ? null : m[0];
        };
      }
      return (values) =>
        positional(values[0] as string, values[1] as number, values[2] as number | undefined) ?? "";
    },
  }),
  strictScalar({
    name: "SUBSTRING SIMILAR",
    returnType: (args) => {
      expectArity("SUBSTRING SIMILAR", args, 3);
      expectCharacterArguments(
        "SUBSTRING",
        args,
        "a character string, a SIMILAR pattern and an ESCAPE character",
      );
      return varchar(characterLength(args[0]!.type), true);
    },
    compile: (args) => {
      const escapeChar = literalString(args[2]);
      const compile = (key: string) => compileSimilarSubstring(key.slice(1), key[0]!);
      const regexOf = compiledOnceOrCached(
        escapeChar === undefined ? undefined : `${escapeChar}${literalString(args[1]) ?? ""}`,
        compile,
      );
      return (values) => {
        const m = regexOf(`${values[2] as string}${values[1] as string}`).exec(values[0] as string);
        return m === null ? null : m[1]!;
      };
    },
  }),
];

function checkPositional(name: string, args: Parameters<ScalarSqlFunction["returnType"]>[0]): void {
  const ok =
    isCharacterArgument(args[0]!.type) &&
    args.slice(1).every((a) => isIntegerType(a.type) || isUntyped(a.type));
  if (!ok) wrongTypes(name, START_LENGTH, args);
}
