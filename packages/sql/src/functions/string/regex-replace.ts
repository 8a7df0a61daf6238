import { isIntegerType } from "../../types/sql-type.ts";
import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { anyNullable, expectArity, literalString, wrongTypes } from "../support/arguments.ts";
import { isCharacterArgument, MAX_CHARACTER_LENGTH } from "../support/character-arguments.ts";
import { compiledOnceOrCached } from "../support/compiled-cache.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { isUntyped, varchar } from "../support/sql-types.ts";
import { compileJavaRegex, type JavaRegex } from "./java-regex.ts";

/** A Java replacement string: literal text and group references (`$1`, `${name}`, `\$`). */
type ReplacementPart = string | { readonly group: number };

/** Parses a replacement as `Matcher.appendReplacement` does, with its error messages. */
export function parseReplacement(replacement: string, regex: JavaRegex): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let text = "";
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    if (ch === "\\") {
      if (++i >= replacement.length)
        throw new SqlFunctionError("REGEX_REPLACE: character to be escaped is missing");
      text += replacement[i];
    } else if (ch === "$") {
      if (++i >= replacement.length)
        throw new SqlFunctionError("REGEX_REPLACE: illegal group reference: group index is missing");
      let group: number;
      if (replacement[i] === "{") {
        const end = replacement.indexOf("}", i);
        const name = end < 0 ? "" : replacement.slice(i + 1, end);
        const number = regex.groupNumber(name);
        if (number === undefined) throw new SqlFunctionError(`REGEX_REPLACE: no group with name {${name}}`);
        group = number;
        i = end;
      } else {
        if (!/\d/.test(replacement[i]!)) throw new SqlFunctionError("REGEX_REPLACE: illegal group reference");
        group = Number(replacement[i]);
        // Java takes more digits while they still name an existing group.
        while (i + 1 < replacement.length && /\d/.test(replacement[i + 1]!)) {
          const longer = group * 10 + Number(replacement[i + 1]);
          if (longer > regex.groupCount) break;
          group = longer;
          i++;
        }
        if (group > regex.groupCount) throw new SqlFunctionError(`REGEX_REPLACE: no group ${group}`);
      }
      if (text !== "") parts.push(text);
      text = "";
      parts.push({ group });
    } else text += ch;
  }
  if (text !== "") parts.push(text);
  return parts;
}

/**
 * REGEX_REPLACE(original, regex, replacement, startPosition, occurrence)
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-regex-replace.html):
 * Java's `replaceAll` semantics searched from `startPosition` (1-based; the text before it is kept
 * as it is, but lookbehinds see it), `occurrence` 0 replacing every match and n only the n-th (A21).
 * A start past the end returns the original; a start below 1 or a negative occurrence is an error.
 * `startPosition` and `occurrence` may be omitted (1 and 0).
 */
export const regexReplaceFunction: ScalarSqlFunction = strictScalar({
  name: "REGEX_REPLACE",
  returnType: (args) => {
    expectArity("REGEX_REPLACE", args, 3, 5);
    const ok =
      args.slice(0, 3).every((a) => isCharacterArgument(a.type)) &&
      args.slice(3).every((a) => isIntegerType(a.type) || isUntyped(a.type));
    if (!ok) {
      wrongTypes(
        "REGEX_REPLACE",
        "(original VARCHAR, regex VARCHAR, replacement VARCHAR, startPosition INTEGER, occurrence INTEGER)",
        args,
      );
    }
    return varchar(MAX_CHARACTER_LENGTH, anyNullable(args));
  },
  compile: (args) => {
    const regexOf = compiledOnceOrCached(literalString(args[1]), compileJavaRegex);
    return (values) => {
      const regex = regexOf(values[1] as string);
      const parts = parseReplacement(values[2] as string, regex);
      return regexReplace(
        values[0] as string,
        regex,
        parts,
        (values[3] as number | undefined) ?? 1,
        (values[4] as number | undefined) ?? 0,
      );
    };
  },
});

function regexReplace(
  original: string,
  regex: JavaRegex,
  parts: readonly ReplacementPart[],
  start: number,
  occurrence: number,
): string {
  if (start < 1) throw new SqlFunctionError(`REGEX_REPLACE's startPosition must be at least 1, got ${start}`);
  if (occurrence < 0)
    throw new SqlFunctionError(`REGEX_REPLACE's occurrence must not be negative, got ${occurrence}`);
  if (start > original.length) return original;
  const re = regex.search;
  re.lastIndex = start - 1;
  let out = original.slice(0, start - 1);
  let kept = start - 1;
  let count = 0;
  for (let m = re.exec(original); m !== null; m = re.exec(original)) {
    count++;
    if (occurrence === 0 || count === occurrence) {
      out += original.slice(kept, m.index);
      for (const part of parts) out += typeof part === "string" ? part : (regex.group(m, part.group) ?? "");
      kept = m.index + m[0].length;
      if (occurrence !== 0) break;
    }
    // An empty match moves on by one character, as Java's Matcher.find does.
    if (m[0].length === 0) re.lastIndex = m.index + ((original.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
  }
  return out + original.slice(kept);
}
