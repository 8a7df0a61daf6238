import { isIntegerType, type SqlType } from "../../types/sql-type.ts";
import type { ScalarSqlFunction } from "../function-contract.ts";
import { anyNullable, expectArity, wrongTypes } from "../support/arguments.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { isUntyped, sqlType } from "../support/sql-types.ts";

const isEpochMs = (type: SqlType) => type.name === "TIMESTAMP" || isIntegerType(type) || isUntyped(type);

/**
 * TSDIFF, UNIX_TIMESTAMP and TO_TIMESTAMP: conversions between TIMESTAMP and BIGINT milliseconds
 * since 1970-01-01 00:00:00 UTC.
 *
 * TSDIFF(a, b) (decision A8): `a - b` in milliseconds, BIGINT. Its page documents two BIGINT
 * millisecond arguments named (startTime, endTime) without saying the sign; AWS's solutions and
 * public applications pass TIMESTAMPs and write `TSDIFF(max, min)` for a positive duration. Both
 * TIMESTAMP and BIGINT arguments are accepted, in any mix.
 */
export const timestampFunctions: readonly ScalarSqlFunction[] = [
  strictScalar({
    name: "TSDIFF",
    returnType: (args) => {
      expectArity("TSDIFF", args, 2);
      if (!args.every((a) => isEpochMs(a.type)))
        wrongTypes("TSDIFF", "two TIMESTAMPs or two BIGINT epoch milliseconds", args);
      return sqlType("BIGINT", anyNullable(args));
    },
    compile: () => (values) => (values[0] as number) - (values[1] as number),
  }),
  // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-unix-timestamp.html
  strictScalar({
    name: "UNIX_TIMESTAMP",
    returnType: (args) => {
      expectArity("UNIX_TIMESTAMP", args, 1);
      if (!(args[0]!.type.name === "TIMESTAMP" || isUntyped(args[0]!.type)))
        wrongTypes("UNIX_TIMESTAMP", "a TIMESTAMP", args);
      return sqlType("BIGINT", anyNullable(args));
    },
    compile: () => (values) => values[0] as number,
  }),
  // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-to-timestamp.html
  strictScalar({
    name: "TO_TIMESTAMP",
    returnType: (args) => {
      expectArity("TO_TIMESTAMP", args, 1);
      if (!(isIntegerType(args[0]!.type) || isUntyped(args[0]!.type))) {
        wrongTypes("TO_TIMESTAMP", "a BIGINT of milliseconds since the epoch", args);
      }
      return sqlType("TIMESTAMP", anyNullable(args));
    },
    compile: () => (values) => values[0] as number,
  }),
];
