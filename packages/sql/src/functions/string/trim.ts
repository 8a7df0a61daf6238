import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { anyNullable, expectArity } from "../support/arguments.ts";
import { characterLength, expectCharacterArguments } from "../support/character-arguments.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { varchar } from "../support/sql-types.ts";

/**
 * TRIM (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-trim.html):
 * `TRIM(s)` removes spaces from both ends; `TRIM([LEADING|TRAILING|BOTH] [c] FROM s)` is lowered to
 * `TRIM('LEADING'|'TRAILING'|'BOTH', c, s)` (the parser fills `'BOTH'` and `' '` when omitted). The
 * trim character must be exactly one character.
 */
export const trimFunction: ScalarSqlFunction = strictScalar({
  name: "TRIM",
  returnType: (args) => {
    expectArity("TRIM", args, 1, 3);
    if (args.length === 2)
      throw new SqlFunctionError("TRIM expects TRIM(s) or TRIM(specification, character, s)");
    expectCharacterArguments("TRIM", args, "character strings: TRIM([LEADING | TRAILING | BOTH] [c] FROM s)");
    return varchar(characterLength(args[args.length - 1]!.type), anyNullable(args));
  },
  compile: () => (values) => {
    if (values.length === 1) return trim(values[0] as string, " ", "BOTH");
    return trim(values[2] as string, values[1] as string, (values[0] as string).toUpperCase());
  },
});

function trim(source: string, character: string, specification: string): string {
  if (character.length !== 1) {
    throw new SqlFunctionError(`TRIM's trim character must be exactly one character, got '${character}'`);
  }
  if (specification !== "LEADING" && specification !== "TRAILING" && specification !== "BOTH") {
    throw new SqlFunctionError(
      `TRIM's specification must be LEADING, TRAILING or BOTH, got '${specification}'`,
    );
  }
  let start = 0;
  let end = source.length;
  if (specification !== "TRAILING") while (start < end && source[start] === character) start++;
  if (specification !== "LEADING") while (end > start && source[end - 1] === character) end--;
  return source.slice(start, end);
}
