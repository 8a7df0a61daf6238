import { describe, expect, it } from "vitest";
import { SqlFunctionError } from "../function-contract.ts";
import { decimal, intervalType } from "../support/sql-types.ts";
import { CONTEXT, callLiteral, callTyped, t, typeFor } from "../support/test-support.ts";
import {
  formatDate,
  formatTime,
  formatTimestamp,
  parseDatetimeLiteral,
  parseDatetimeText,
} from "./datetime-literals.ts";
import { datetimeFamily } from "./index.ts";
import { formatInterval, parseIntervalLiteral, parseQualifier } from "./interval-literals.ts";

const fn = (name: string) => datetimeFamily.find((f) => f.name === name);
const ts = (text: string) => parseDatetimeLiteral("TIMESTAMP", text);
const TS = t("TIMESTAMP");
const VARCHAR = t("VARCHAR", { length: 64 });

describe("datetime literals and their text", () => {
  it("parses KDA's literal forms and refuses others with its message", () => {
    expect(ts("2004-09-30 13:48:23")).toBe(Date.UTC(2004, 8, 30, 13, 48, 23));
    expect(ts("2007-02-19 21:23:45.5")).toBe(Date.UTC(2007, 1, 19, 21, 23, 45, 500));
    expect(parseDatetimeLiteral("DATE", "2004-12-02")).toBe(Date.UTC(2004, 11, 2));
    expect(parseDatetimeLiteral("TIME", "21:23:34.11")).toBe(((21 * 60 + 23) * 60 + 34) * 1000 + 110);
    // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-cast.html and the interval page
    expect(() => ts("2007-02-19 21:25")).toThrow(
      new SqlFunctionError(
        "Illegal TIMESTAMP literal '2007-02-19 21:25': not in format 'yyyy-MM-dd HH:mm:ss'",
      ),
    );
    expect(() => parseDatetimeLiteral("DATE", "2004-12-02 ")).toThrow(
      "Illegal DATE literal '2004-12-02 ': not in format 'yyyy-MM-dd'",
    );
    expect(parseDatetimeText("DATE", "2009-02-29")).toBeUndefined();
    expect(parseDatetimeText("TIME", "21:23")).toBeUndefined();
    expect(parseDatetimeText("TIME", "21:23:34:11")).toBeUndefined();
  });

  it("writes datetimes as KDA casts them to strings", () => {
    expect(formatDate(Date.UTC(2008, 7, 23))).toBe("2008-08-23");
    expect(formatTimestamp(ts("2007-02-19 21:25:35"))).toBe("2007-02-19 21:25:35");
    expect(formatTimestamp(Date.UTC(2016, 8, 23, 4, 29, 26, 234))).toBe("2016-09-23 04:29:26.234");
    expect(formatTime(((21 * 60 + 23) * 60 + 45) * 1000)).toBe("21:23:45");
  });
});

describe("interval literals (sql-reference-date-timestamp-interval.html)", () => {
  const q = parseQualifier;
  it("parses values that match their qualifier", () => {
    expect(parseIntervalLiteral("25 3", q("DAY TO HOUR"))).toEqual({
      kind: "day-time",
      ms: (25 * 24 + 3) * 3600000,
    });
    expect(parseIntervalLiteral("2 3:4:5.678", q("DAY TO SECOND"))).toEqual({
      kind: "day-time",
      ms: (((2 * 24 + 3) * 60 + 4) * 60 + 5) * 1000 + 678,
    });
    expect(parseIntervalLiteral("59:59.999", q("MINUTE TO SECOND(3)"))).toEqual({
      kind: "day-time",
      ms: 3599999,
    });
    expect(parseIntervalLiteral("3-4", q("YEAR TO MONTH"))).toEqual({ kind: "year-month", months: 40 });
    expect(parseIntervalLiteral("-3 4:20", q("DAY TO MINUTE"))).toEqual({
      kind: "day-time",
      ms: -(3 * 1440 + 260) * 60000,
    });
    expect(parseIntervalLiteral("1", q("DAY"), true)).toEqual({ kind: "day-time", ms: -86400000 });
    expect(parseIntervalLiteral("120", q("MINUTE(3)"))).toEqual({ kind: "day-time", ms: 7200000 });
    expect(parseIntervalLiteral("1.1", q("SECOND(1, 1)"))).toEqual({ kind: "day-time", ms: 1100 });
  });

  it("refuses values that do not, with KDA's messages (decision A9: precision 2 unless given)", () => {
    expect(() => parseIntervalLiteral("3:45:04.0", q("DAY TO HOUR"))).toThrow(
      "Illegal interval literal format '3:45:04.0' for INTERVAL DAY TO HOUR",
    );
    expect(() => parseIntervalLiteral("120", q("MINUTE(2)"))).toThrow(
      "Interval field value 120 exceeds precision of MINUTE(2) field",
    );
    expect(() => parseIntervalLiteral("120", q("MINUTE"))).toThrow(/exceeds precision of MINUTE\(2\)/);
    expect(() => parseIntervalLiteral("1.1", q("YEAR(1)"))).toThrow(
      "Illegal interval literal format '1.1' for INTERVAL YEAR(1)",
    );
    expect(() => parseIntervalLiteral("1 24", q("DAY TO HOUR"))).toThrow(/HOUR field 24 out of range/);
    expect(() => parseQualifier("HOUR TO DAY")).toThrow(SqlFunctionError);
  });

  it("writes intervals as KDA casts them to strings", () => {
    expect(formatInterval({ kind: "day-time", ms: 371000 }, q("MINUTE TO SECOND"))).toBe("+6:11");
    expect(formatInterval({ kind: "year-month", months: 52 }, q("YEAR TO MONTH"))).toBe("+4-04");
    expect(formatInterval({ kind: "day-time", ms: 1100 }, q("SECOND(1, 1)"))).toBe("+1.1");
    expect(formatInterval({ kind: "day-time", ms: -90000 }, undefined)).toBe("-0 00:01:30");
  });
});

describe("date and time functions", () => {
  it("reads the query's start, or the row's ROWTIME for CURRENT_ROW_TIMESTAMP", () => {
    const context = { rowtime: ts("2016-09-23 04:29:26.234"), queryStart: ts("2008-08-27 01:13:42.206") };
    const call = (name: string) => {
      const f = fn(name)!;
      if (f.kind !== "scalar") throw new Error("scalar");
      return f.evaluate([], context);
    };
    expect(call("CURRENT_TIMESTAMP")).toBe(ts("2008-08-27 01:13:42.206"));
    expect(call("LOCALTIMESTAMP")).toBe(ts("2008-08-27 01:13:42.206"));
    expect(call("CURRENT_DATE")).toBe(parseDatetimeLiteral("DATE", "2008-08-27"));
    expect(call("CURRENT_TIME")).toBe(parseDatetimeLiteral("TIME", "01:13:42.206"));
    expect(call("LOCALTIME")).toBe(parseDatetimeLiteral("TIME", "01:13:42.206"));
    expect(call("CURRENT_ROW_TIMESTAMP")).toBe(ts("2016-09-23 04:29:26.234"));
    expect(typeFor(fn("CURRENT_DATE"))).toEqual({ name: "DATE", nullable: false });
  });

  it("EXTRACT (sql-reference-extract.html)", () => {
    const dts = intervalType(parseQualifier("DAY TO SECOND"));
    const value = parseIntervalLiteral("2 3:4:5.678", parseQualifier("DAY TO SECOND"));
    const extract = (field: string, type = dts, v: unknown = value) =>
      callTyped(fn("EXTRACT"), [{ type: VARCHAR, literal: field }, type], field, v as number);
    expect(extract("DAY")).toBe(2);
    expect(extract("HOUR")).toBe(3);
    expect(extract("MINUTE")).toBe(4);
    expect(extract("SECOND")).toBe(5.678);
    expect(extract("MINUTE", TS, CONTEXT.rowtime)).toBe(29);
    expect(extract("HOUR", TS, CONTEXT.rowtime)).toBe(4);
    expect(extract("YEAR", TS, CONTEXT.rowtime)).toBe(2016);
    expect(extract("SECOND", TS, CONTEXT.rowtime)).toBe(26.234);
    expect(typeFor(fn("EXTRACT"), { type: VARCHAR, literal: "SECOND" }, TS)).toEqual(decimal(5, 3));
    expect(typeFor(fn("EXTRACT"), { type: VARCHAR, literal: "DAY" }, TS)).toEqual(t("BIGINT"));
    expect(extract("HOUR", dts, parseIntervalLiteral("-2 3", parseQualifier("DAY TO HOUR")))).toBe(-3);
    expect(() => typeFor(fn("EXTRACT"), { type: VARCHAR, literal: "WEEK" }, TS)).toThrow(SqlFunctionError);
  });

  it("TSDIFF (decision A8), UNIX_TIMESTAMP and TO_TIMESTAMP", () => {
    expect(callTyped(fn("TSDIFF"), [TS, TS], ts("2004-09-30 13:48:23"), ts("2004-09-30 13:48:20"))).toBe(
      3000,
    );
    expect(callTyped(fn("TSDIFF"), [t("BIGINT"), t("BIGINT")], 1000, 4000)).toBe(-3000);
    expect(callTyped(fn("TSDIFF"), [TS, TS], null, 1)).toBeNull();
    expect(callTyped(fn("UNIX_TIMESTAMP"), [TS], ts("2018-01-01 00:00:00"))).toBe(1514764800000);
    expect(callTyped(fn("TO_TIMESTAMP"), [t("BIGINT")], 1514764800000)).toBe(ts("2018-01-01 00:00:00"));
    expect(() => typeFor(fn("UNIX_TIMESTAMP"), t("BIGINT"))).toThrow(
      "UNIX_TIMESTAMP expects a TIMESTAMP; got BIGINT",
    );
  });

  it("CHAR_TO_* and *_TO_CHAR with SimpleDateFormat patterns", () => {
    expect(callLiteral(fn("CHAR_TO_TIMESTAMP"), "yyyy-MM-dd hh:mm:ss", "2009-09-16 03:15:24")).toBe(
      ts("2009-09-16 03:15:24"),
    );
    expect(
      callTyped(
        fn("CHAR_TO_TIMESTAMP"),
        [{ type: VARCHAR, literal: "MM/dd/yy hh:mm:ss" }, VARCHAR],
        "MM/dd/yy hh:mm:ss",
        "09/16/11 03:15:24",
      ),
    ).toBe(ts("2011-09-16 03:15:24"));
    expect(() => callLiteral(fn("CHAR_TO_TIMESTAMP"), "MM/dd/yy hh:mm:ss", "2009/09/16 03:15:24")).toThrow(
      "CHAR_TO_TIMESTAMP: '2009/09/16 03:15:24' does not match the format 'MM/dd/yy hh:mm:ss'",
    );
    expect(callLiteral(fn("CHAR_TO_DATE"), "dd/MMM/yyyy", "24/May/2004")).toBe(
      parseDatetimeLiteral("DATE", "2004-05-24"),
    );
    expect(callLiteral(fn("CHAR_TO_TIME"), "HH:mm:ss", "21:08:07")).toBe(
      parseDatetimeLiteral("TIME", "21:08:07"),
    );
    expect(
      callTyped(
        fn("TIMESTAMP_TO_CHAR"),
        [VARCHAR, TS],
        "yyyy-MM-dd'T'HH:mm:ss.SSS",
        ts("2001-07-04 12:08:56.235"),
      ),
    ).toBe("2001-07-04T12:08:56.235");
    // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-timestamp-to-char.html
    expect(callTyped(fn("TIMESTAMP_TO_CHAR"), [VARCHAR, TS], "yyyy", null)).toBe("null");
    expect(callTyped(fn("TIMESTAMP_TO_CHAR"), [VARCHAR, TS], null, 0)).toBeNull();
    expect(
      callTyped(
        fn("DATE_TO_CHAR"),
        [VARCHAR, t("DATE")],
        "EEEE d MMMM yyyy",
        parseDatetimeLiteral("DATE", "2004-05-24"),
      ),
    ).toBe("Monday 24 May 2004");
    expect(callTyped(fn("DATE_TO_CHAR"), [VARCHAR, t("DATE")], "yyyy", null)).toBeNull();
    expect(
      callTyped(fn("TIME_TO_CHAR"), [VARCHAR, t("TIME")], "h:mm a", parseDatetimeLiteral("TIME", "13:05:00")),
    ).toBe("1:05 PM");
    expect(() => typeFor(fn("TIME_TO_CHAR"), VARCHAR, TS)).toThrow(SqlFunctionError);
    expect(() => callLiteral(fn("CHAR_TO_TIMESTAMP"), "yyyy-bb", "2009")).toThrow(
      /Illegal pattern character 'b'/,
    );
  });
});
