import { isDatetimeType, isIntegerType } from "../../types/sql-type.ts";
import type { SqlInterval } from "../../types/sql-value.ts";
import { addMonths, civilFromDays, dayNumber } from "../datetime/calendar.ts";
import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { expectArity, wrongTypes } from "../support/arguments.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { isIntervalType, isUntyped } from "../support/sql-types.ts";

/**
 * STEP(x BY width) (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-step.html),
 * lowered to `STEP(x, width)`: the largest multiple of `width` at or below `x`.
 *
 * - Integers: `STEP(23 BY 5) = 20`; a negative `x` rounds down too (`STEP(-23 BY 5) = -25`), as the
 *   page's "largest multiple … equal to or smaller" says (not the truncating `(x / n) * n`).
 * - Datetimes (decision A5): the page's formula, aligned on the epoch —
 *   `((dt - TIMESTAMP '1970-01-01 00:00:00') / i) * i + TIMESTAMP '1970-01-01 00:00:00'`. Day-time
 *   widths divide milliseconds, so `STEP(TIMESTAMP '2004-09-27 13:48:23' BY INTERVAL '5' DAY)` is
 *   2004-09-24, not the page's 2004-09-25, which no epoch-aligned rule gives. Year-month widths
 *   count months from January 1970 (`BY INTERVAL '1' YEAR` gives January 1st, as documented).
 * A width must be positive.
 */
export const stepFunction: ScalarSqlFunction = strictScalar({
  name: "STEP",
  returnType: (args) => {
    expectArity("STEP", args, 2);
    const [x, width] = args.map((a) => a.type);
    const integers = (isIntegerType(x!) || isUntyped(x!)) && (isIntegerType(width!) || isUntyped(width!));
    const datetime = (isDatetimeType(x!) || isUntyped(x!)) && (isIntervalType(width!) || isUntyped(width!));
    if (!integers && !datetime)
      wrongTypes("STEP", "a datetime BY an interval, or an integer BY an integer", args);
    return x!;
  },
  compile: (args) => {
    if (isIntegerType(args[0]!.type) || (isUntyped(args[0]!.type) && typeof args[1]?.literal === "number")) {
      return (values) => {
        const width = values[1] as number;
        if (width <= 0) throw new SqlFunctionError(`STEP's width must be positive, got ${width}`);
        return Math.floor((values[0] as number) / width) * width || 0;
      };
    }
    const time = args[0]!.type.name === "TIME";
    return (values) => {
      const at = values[0] as number;
      const width = values[1] as SqlInterval;
      if (width.kind === "day-time") {
        if (width.ms <= 0) throw new SqlFunctionError(`STEP's interval must be positive, got ${width.ms} ms`);
        return Math.floor(at / width.ms) * width.ms;
      }
      if (width.months <= 0)
        throw new SqlFunctionError(`STEP's interval must be positive, got ${width.months} months`);
      if (time) throw new SqlFunctionError("STEP of a TIME needs a day-time interval");
      const date = civilFromDays(dayNumber(at));
      const months = (date.year - 1970) * 12 + (date.month - 1);
      return addMonths(0, Math.floor(months / width.months) * width.months);
    };
  },
});
