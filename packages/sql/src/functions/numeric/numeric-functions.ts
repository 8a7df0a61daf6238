import { isIntegerType, isNumericType } from "../../types/sql-type.ts";
import type { SqlInterval } from "../../types/sql-value.ts";
import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { anyNullable, expectArity, wrongTypes } from "../support/arguments.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { isIntervalType, isUntyped, sqlType, widerNumericType } from "../support/sql-types.ts";
import { fitNumber } from "./numeric-values.ts";

function isNumberArgument(type: Parameters<typeof isNumericType>[0]): boolean {
  return isNumericType(type) || isUntyped(type);
}

/** A function of one number returning DOUBLE, with a domain check (LN, LOG10 refuse n <= 0). */
function doubleFunction(
  name: string,
  f: (x: number) => number,
  domain?: (x: number) => string | undefined,
): ScalarSqlFunction {
  return strictScalar({
    name,
    returnType: (args) => {
      expectArity(name, args, 1);
      if (!isNumberArgument(args[0]!.type)) wrongTypes(name, "a number", args);
      return sqlType("DOUBLE", anyNullable(args));
    },
    compile: () => (values) => {
      const x = values[0] as number;
      const problem = domain?.(x);
      if (problem !== undefined) throw new SqlFunctionError(`${name}(${x}): ${problem}`);
      return f(x);
    },
  });
}

const positive = (x: number) => (x > 0 ? undefined : "the argument must be positive");

/** ABS, EXP, LN, LOG10, POWER and MOD. */
export const numericFunctions: readonly ScalarSqlFunction[] = [
  // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-abs.html: numbers and intervals.
  strictScalar({
    name: "ABS",
    returnType: (args) => {
      expectArity("ABS", args, 1);
      const type = args[0]!.type;
      if (!(isNumberArgument(type) || isIntervalType(type)))
        wrongTypes("ABS", "a number or an interval", args);
      return type;
    },
    compile: (args) => (values) => {
      const x = values[0]!;
      if (typeof x === "number") return fitNumber(Math.abs(x), args[0]!.type);
      const interval = x as SqlInterval;
      return interval.kind === "day-time"
        ? { kind: "day-time", ms: Math.abs(interval.ms) }
        : { kind: "year-month", months: Math.abs(interval.months) };
    },
  }),
  doubleFunction("EXP", Math.exp),
  doubleFunction("LN", Math.log, positive),
  doubleFunction("LOG10", Math.log10, positive),
  strictScalar({
    name: "POWER",
    returnType: (args) => {
      expectArity("POWER", args, 2);
      if (!args.every((a) => isNumberArgument(a.type)))
        wrongTypes("POWER", "two numbers (base, exponent)", args);
      return sqlType("DOUBLE", anyNullable(args));
    },
    compile: () => (values) => {
      const base = values[0] as number;
      const exponent = values[1] as number;
      if (base === 0 && exponent < 0)
        throw new SqlFunctionError(`POWER(${base}, ${exponent}): zero to a negative power`);
      if (base < 0 && !Number.isInteger(exponent)) {
        throw new SqlFunctionError(`POWER(${base}, ${exponent}): a negative base needs a whole exponent`);
      }
      return base ** exponent;
    },
  }),
  // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-mod.html: integers only.
  strictScalar({
    name: "MOD",
    returnType: (args) => {
      expectArity("MOD", args, 2);
      if (!args.every((a) => isIntegerType(a.type) || isUntyped(a.type))) {
        wrongTypes(
          "MOD",
          "two integers (KDA's MOD supports only arguments of scale 0; CAST others to an integer)",
          args,
        );
      }
      const [a, b] = args.map((x) => x.type);
      return isUntyped(a!) ? b! : isUntyped(b!) ? a! : widerNumericType(a!, b!);
    },
    compile: () => (values) => {
      if (values[1] === 0) throw new SqlFunctionError("MOD: division by zero");
      return (values[0] as number) % (values[1] as number) || 0;
    },
  }),
];
