import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { anyNullable, expectArity, literalString } from "../support/arguments.ts";
import { expectCharacterArguments } from "../support/character-arguments.ts";
import { compiledOnceOrCached } from "../support/compiled-cache.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { sqlType } from "../support/sql-types.ts";
import { compileLike } from "./like.ts";
import { compileSimilar } from "./similar-to.ts";

function patternOperator(
  name: string,
  compile: (pattern: string, escapeChar?: string) => RegExp,
): ScalarSqlFunction {
  return strictScalar({
    name,
    returnType: (args) => {
      expectArity(name, args, 2, 3);
      expectCharacterArguments(name, args, `character strings: s ${name} pattern [ESCAPE c]`);
      return sqlType("BOOLEAN", anyNullable(args));
    },
    compile: (args) => {
      const escapeLiteral = literalString(args[2]);
      const patternLiteral = literalString(args[1]);
      // The escape character is part of the compiled form's key: "<escape or empty>\u0000<pattern>".
      const key = (pattern: string, escapeChar: string | undefined) => `${escapeChar ?? ""}\u0000${pattern}`;
      const regexOf = compiledOnceOrCached(
        patternLiteral === undefined || (args.length === 3 && escapeLiteral === undefined)
          ? undefined
          : key(patternLiteral, escapeLiteral),
        (k) => {
          const split = k.indexOf("\u0000");
          return compile(k.slice(split + 1), split === 0 ? undefined : k.slice(0, split));
        },
      );
      return (values) => {
        const escapeChar = values[2] as string | undefined;
        if (escapeChar === "")
          throw new SqlFunctionError(`${name}'s ESCAPE must be a single character, got ''`);
        return regexOf(key(values[1] as string, escapeChar)).test(values[0] as string);
      };
    },
  });
}

/**
 * `s LIKE p [ESCAPE e]` and `s SIMILAR TO p [ESCAPE e]`, lowered to `LIKE(s, p[, e])` and
 * `SIMILAR TO(s, p[, e])`; `NOT LIKE` is `NOT` of the call. Patterns compile once per call site
 * when literal, once per distinct pattern otherwise.
 */
export const patternOperators: readonly ScalarSqlFunction[] = [
  patternOperator("LIKE", compileLike),
  patternOperator("SIMILAR TO", compileSimilar),
];
