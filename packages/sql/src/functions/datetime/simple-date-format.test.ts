import { describe, expect, it } from "vitest";
import { SqlFunctionError } from "../function-contract.ts";
import { compileDateFormat } from "./simple-date-format.ts";

const at = (iso: string) => Date.parse(`${iso}Z`);
const NOW = at("2026-01-01T00:00:00");

describe("SimpleDateFormat patterns", () => {
  // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-parse-timestamp-format.html
  // The page's examples are in US Pacific time; KDA runs in UTC, so the zone fields read UTC here.
  it.each([
    ["yyyy.MM.dd G 'at' HH:mm:ss z", "2001.07.04 AD at 12:08:56 UTC"],
    ["EEE, MMM d, ''yy", "Wed, Jul 4, '01"],
    ["h:mm a", "12:08 PM"],
    ["hh 'o''clock' a, zzzz", "12 o'clock PM, Coordinated Universal Time"],
    ["K:mm a, z", "0:08 PM, UTC"],
    ["yyyyy.MMMMM.dd GGG hh:mm aaa", "02001.July.04 AD 12:08 PM"],
    ["EEE, d MMM yyyy HH:mm:ss Z", "Wed, 4 Jul 2001 12:08:56 +0000"],
    ["yyMMddHHmmssZ", "010704120856+0000"],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2001-07-04T12:08:56.235+0000"],
  ])("formats %s", (pattern, expected) => {
    expect(compileDateFormat(pattern).format(at("2001-07-04T12:08:56.235"))).toBe(expected);
  });

  it("formats the remaining letters as Java does (US week rules)", () => {
    const f = compileDateFormat("Y w W D F u E EEEE k K X XXX");
    // 2004-12-31 is a Friday in the week that holds 2005-01-01: week 1 of week-year 2005.
    expect(f.format(at("2004-12-31T00:30:00"))).toBe("2005 1 5 366 5 5 Fri Friday 24 0 Z Z");
    expect(compileDateFormat("w").format(at("2004-01-04T00:00:00"))).toBe("2");
  });

  // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-char-to-timestamp.html and the
  // template table of sql-reference-template-strings-create-output-timestamps.html
  it.each([
    ["yyyy-MM-dd", "2009-09-16 03:15:24", "2009-09-16T00:00:00"],
    ["yyyy-hh-mm", "2009-09-16 03:15:24", "2009-01-01T09:16:00"],
    ["MM/dd/yy hh:mm:ss", "09/16/11 03:15:24", "2011-09-16T03:15:24"],
    ["yyyy", "09-16 03:15", "0009-01-01T00:00:00"],
    ["yyyy", "16 03:15", "0016-01-01T00:00:00"],
    ["yyyy", "2009-09-16 03:15:24", "2009-01-01T00:00:00"],
    ["yyyy-hh", "2009-09-16 03:15:24", "2009-01-01T09:00:00"],
    ["yyyy hh", "2009 09 16 03:15:24", "2009-01-01T09:00:00"],
    ["yyyy/hh", "2009/09/16 03:15:24", "2009-01-01T09:00:00"],
    ["yyyy-mm", "2009-09-16 03:15:24", "2009-01-01T00:09:00"],
    ["yyyy-MM-dd hh:mm:ss", "2009-09-16 03:15:24", "2009-09-16T03:15:24"],
    ["yyyy-mm", "2011-02-08 07:23:19", "2011-01-01T00:02:00"],
    ["yyyy-ss-mm", "2012-02-08 07:23:19", "2012-01-01T00:08:02"],
    ["MMM dd, yyyy", "March 7, 2010", "2010-03-07T00:00:00"],
    ["MMM dd,", "March 7, 2010", "1970-03-07T00:00:00"],
    ["MMM dd,y", "March 7, 2010", "2010-03-07T00:00:00"],
    // The space before "10" counts toward the year's width: three characters, read literally.
    ["MMM dd,y", "March 7, 10", "0010-03-07T00:00:00"],
    ["M-d", "2-8", "1970-02-08T00:00:00"],
    ["M-d", "2-8-2011", "1970-02-08T00:00:00"],
    ["MM-dd-yyyy", "06-23-2011 10:11:12", "2011-06-23T00:00:00"],
    ["dd-MM-yy hh:mm:ss", "23-06-11 10:11:12", "2011-06-23T10:11:12"],
    ["MM-dd-yy ss:hh:mm", "06-23-11 12:10:11", "2011-06-23T10:11:12"],
    ["yy-dd-MM ss:hh:mm", "06-23-11 12:10:11", "2006-11-23T10:11:12"],
    ["dd-MM-yy hh:mm", "23-06-11 10:11:12", "2011-06-23T10:11:00"],
    ["dd-MM-yy hh:mm", "23-06-1 10:11:12", "0001-06-23T10:11:00"],
    ["MM/dd/yy hh:mm:ss", "12/19/11 10:11:12", "2011-12-19T10:11:12"],
    ["MM/dd/yy hh:mm:ss", "12/19/11 12:11:10", "2011-12-19T00:11:10"],
    ["hh:mm:ss", "00:09:08", "1970-01-01T00:09:08"],
    ["MM/dd/yy HH:mm:ss", "12/19/11 12:59:59", "2011-12-19T12:59:59"],
    ["MM/dd/yy HH:mm:ss", "12/19/11 21:08:07", "2011-12-19T21:08:07"],
    ["y/MM/dd HH:mm:ss", "2011/12/19 00:11:12", "2011-12-19T00:11:12"],
    ["y/MM/dd HH:mm:ss", "12/11/19 00:11:12", "2012-11-19T00:11:12"],
    ["yyyy-MM", "2009-09-16 03:15:24", "2009-09-01T00:00:00"],
    ["yyyy-MM-dd hh", "2009-09-16 03:15:24", "2009-09-16T03:00:00"],
    ["yyyy-MM-dd ss", "2009-09-16 03:15:24", "2009-09-16T00:00:03"],
    ["yyyy-MM-dd mm", "2009-09-16 03:15:24", "2009-09-16T00:03:00"],
    ["MM/dd/yy hh/mm/ss", "09/16/11 03/15/24", "2011-09-16T03:15:24"],
    ["MM/dd/yy hh-mm-ss", "09/16/11 03-15-24", "2011-09-16T03:15:24"],
    ["yyyy|MM|dd hh|mm|ss", "2009|09|16 03|15|24", "2009-09-16T03:15:24"],
    ["yyyy@MM@dd hh@mm@ss", "2009@09@16 03@15@24", "2009-09-16T03:15:24"],
  ])("CHAR_TO_TIMESTAMP('%s', '%s') = %s", (pattern, text, expected) => {
    expect(compileDateFormat(pattern).parse(text, NOW)).toBe(
      Date.parse(`${expected.startsWith("0") ? "+00" : ""}${expected}Z`),
    );
  });

  it.each([
    ["MM/dd/yy hh:mm:ss", "2009/09/16 03:15:24"],
    ["yyyy hh", "2009-09-16 03:15:24"],
    ["yyyy-MM hh", "2009-09-16 03:15:24"],
    ["yyyy-MM hh:", "2009-09-16 03:15:24"],
    ["yyyy-MM- mm", "2009-09-16 03:15:24"],
    ["yyyy-MM   mm", "2009-09-16 03:15:24"],
    ["yyyy-MM   hh", "2009-09-16 03:15:24"],
    ["M-d", "2011-2-8"],
    ["MM/dd/yy HH:mm:ss", "2011-12-19 00:11:12"],
    ["y/MM/dd HH:mm:ss", "12/19/11 00:11:12"],
    ["y/MM/dd HH:mm:ss", "2011-12-19 12:11:12"],
    ["yyyy-MM-dd", "2009-02-30"],
  ])("CHAR_TO_TIMESTAMP('%s', '%s') has no result", (pattern, text) => {
    expect(compileDateFormat(pattern).parse(text, NOW)).toBeUndefined();
  });

  it("parses abutting fields by their counts, zones and eras", () => {
    expect(compileDateFormat("yyyyMMddHHmmss").parse("20011231235958", NOW)).toBe(at("2001-12-31T23:59:58"));
    expect(compileDateFormat("yyyy-MM-dd'T'HH:mm:ssXXX").parse("2001-07-04T12:08:56-07:00", NOW)).toBe(
      at("2001-07-04T19:08:56"),
    );
    expect(compileDateFormat("dd/MMM/yyyy:HH:mm:ss Z").parse("24/May/2004:22:01:02 -0700", NOW)).toBe(
      at("2004-05-25T05:01:02"),
    );
    expect(compileDateFormat("yyyy G").parse("4 BC", NOW)).toBe(Date.UTC(-3, 0, 1));
    expect(compileDateFormat("h:mm a").parse("1:05 PM", NOW)).toBe(at("1970-01-01T13:05:00"));
    expect(compileDateFormat("D yyyy").parse("60 2004", NOW)).toBe(at("2004-02-29T00:00:00"));
  });

  it("refuses illegal patterns as Java's constructor does", () => {
    expect(() => compileDateFormat("yyyy-bb")).toThrow(
      new SqlFunctionError("Illegal pattern character 'b' in date format 'yyyy-bb'"),
    );
    expect(() => compileDateFormat("yyyy 'at")).toThrow(SqlFunctionError);
    expect(() => compileDateFormat("XXXX")).toThrow(SqlFunctionError);
  });
});
