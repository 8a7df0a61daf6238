import type { SqlType } from "../../types/sql-type.ts";
import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { anyNullable, expectArity, wrongTypes } from "../support/arguments.ts";
import {
  characterLength,
  expectCharacterArguments,
  isCharacterArgument,
} from "../support/character-arguments.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { sqlType, varchar } from "../support/sql-types.ts";

const STRING = "a character string";

function lengthFunction(name: string): ScalarSqlFunction {
  // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-char-length.html
  return strictScalar({
    name,
    returnType: (args) => {
      expectArity(name, args, 1);
      expectCharacterArguments(name, args, STRING);
      return sqlType("INTEGER", anyNullable(args));
    },
    compile: () => (values) => (values[0] as string).length,
  });
}

function caseFunction(name: string, convert: (s: string) => string): ScalarSqlFunction {
  return strictScalar({
    name,
    returnType: (args) => {
      expectArity(name, args, 1);
      expectCharacterArguments(name, args, STRING);
      return args[0]!.type.name === "NULL" ? varchar(1) : args[0]!.type;
    },
    compile: () => (values) => convert(values[0] as string),
  });
}

/** INITCAP: the first character of each space-delimited word upper case, the rest lower case. */
function initcap(s: string): string {
  let out = "";
  let wordStart = true;
  for (const ch of s) {
    out += wordStart ? ch.toUpperCase() : ch.toLowerCase();
    wordStart = /\s/.test(ch);
  }
  return out;
}

/** CHAR_LENGTH, CHARACTER_LENGTH, LOWER, UPPER, INITCAP, POSITION, OVERLAY and `||`. */
export const stringFunctions: readonly ScalarSqlFunction[] = [
  lengthFunction("CHAR_LENGTH"),
  lengthFunction("CHARACTER_LENGTH"),
  caseFunction("LOWER", (s) => s.toLowerCase()),
  caseFunction("UPPER", (s) => s.toUpperCase()),
  caseFunction("INITCAP", initcap),
  // POSITION(search IN source), lowered to POSITION(search, source).
  strictScalar({
    name: "POSITION",
    returnType: (args) => {
      expectArity("POSITION", args, 2);
      expectCharacterArguments("POSITION", args, "two character strings (POSITION(search IN source))");
      return sqlType("INTEGER", anyNullable(args));
    },
    compile: () => (values) => (values[1] as string).indexOf(values[0] as string) + 1,
  }),
  // OVERLAY(original PLACING replacement FROM start [FOR length]), lowered to OVERLAY(o, r, start[, length]).
  strictScalar({
    name: "OVERLAY",
    returnType: (args) => {
      expectArity("OVERLAY", args, 3, 4);
      const ok =
        isCharacterArgument(args[0]!.type) &&
        isCharacterArgument(args[1]!.type) &&
        args.slice(2).every((a) => isInteger(a.type));
      if (!ok)
        wrongTypes(
          "OVERLAY",
          "two character strings and integer positions (OVERLAY(s PLACING r FROM i [FOR n]))",
          args,
        );
      return varchar(characterLength(args[0]!.type) + characterLength(args[1]!.type), anyNullable(args));
    },
    compile: () => (values) =>
      overlay(values[0] as string, values[1] as string, values[2] as number, values[3] as number | undefined),
  }),
  strictScalar({
    name: "||",
    returnType: (args) => {
      expectArity("||", args, 2);
      const [a, b] = args.map((x) => x.type) as [SqlType, SqlType];
      if (isBinary(a) && isBinary(b)) {
        return { name: "VARBINARY", length: (a.length ?? 0) + (b.length ?? 0), nullable: anyNullable(args) };
      }
      expectCharacterArguments("||", args, "two character strings or two binary strings");
      const length = characterLength(a) + characterLength(b);
      return a.name === "CHAR" && b.name === "CHAR"
        ? { name: "CHAR", length, nullable: anyNullable(args) }
        : varchar(length, anyNullable(args));
    },
    compile: (args) => {
      if (isBinary(args[0]!.type)) {
        return (values) => {
          const a = values[0] as Uint8Array;
          const b = values[1] as Uint8Array;
          const out = new Uint8Array(a.length + b.length);
          out.set(a);
          out.set(b, a.length);
          return out;
        };
      }
      return (values) => (values[0] as string) + (values[1] as string);
    },
  }),
];

function isInteger(type: SqlType): boolean {
  return ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "NULL", "ANY"].includes(type.name);
}

function isBinary(type: SqlType): boolean {
  return type.name === "BINARY" || type.name === "VARBINARY";
}

/**
 * OVERLAY as KDA documents it: a start below 1 prepends `1 - start` characters of the replacement
 * and overlays the rest; a start past the end appends; `length` defaults to the replacement's.
 */
function overlay(original: string, replacement: string, start: number, length: number | undefined): string {
  const count = length ?? replacement.length;
  if (count < 0) throw new SqlFunctionError(`OVERLAY's length must not be negative, got ${count}`);
  if (start < 1) {
    const prefix = replacement.slice(0, 1 - start);
    return prefix + overlay(original, replacement.slice(1 - start), 1, Math.max(count - (1 - start), 0));
  }
  return original.slice(0, start - 1) + replacement + original.slice(start - 1 + count);
}
