import { describe, expect, it } from "vitest";
import { parseDatetimeLiteral } from "../datetime/datetime-literals.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { callLiteral, t, typeFor } from "../support/test-support.ts";
import { compileFastRegex } from "./fast-regex.ts";
import { logParseFamily } from "./index.ts";

const fn = (name: string) => logParseFamily.find((f) => f.name === name);
const ts = (text: string) => parseDatetimeLiteral("TIMESTAMP", text);

describe("REGEX_LOG_PARSE (sql-reference-regex-log-parse.html)", () => {
  it("returns one VARCHAR(1024) column per group, NULL without a match", () => {
    expect(callLiteral(fn("REGEX_LOG_PARSE"), "ENERGY", ".*([E].).*([R].*)")).toEqual({
      COLUMN1: "EN",
      COLUMN2: "RGY",
    });
    expect(callLiteral(fn("REGEX_LOG_PARSE"), "HEALTHCARE", ".*([E].).*([R].*)")).toEqual({
      COLUMN1: "EA",
      COLUMN2: "RE",
    });
    expect(callLiteral(fn("REGEX_LOG_PARSE"), "TECHNOLOGY", ".*([E].).*([R].*)")).toBeNull();
    expect(typeFor(fn("REGEX_LOG_PARSE"), t("VARCHAR"), { type: t("VARCHAR"), literal: "(a)(b)" })).toEqual({
      name: "ROW",
      nullable: true,
      fields: [
        { name: "COLUMN1", type: t("VARCHAR", { length: 1024 }) },
        { name: "COLUMN2", type: t("VARCHAR", { length: 1024 }) },
      ],
    });
  });

  it("types columns from a column list", () => {
    expect(
      callLiteral(
        fn("REGEX_LOG_PARSE"),
        "id=42 at 2004-05-24",
        "id=(\\d+) at (.*)",
        'ID INTEGER, "day" DATE',
      ),
    ).toEqual({
      ID: 42,
      day: parseDatetimeLiteral("DATE", "2004-05-24"),
    });
    expect(() => callLiteral(fn("REGEX_LOG_PARSE"), "x", "(x)", "A INTEGER, B INTEGER")).toThrow(
      /2 columns but the regular expression has 1 groups/,
    );
    expect(callLiteral(fn("REGEX_LOG_PARSE"), null, "(x)")).toBeNull();
  });
});

describe("FAST_REGEX_LOG_PARSER (sql-reference-fast-regex-log-parser.html)", () => {
  it("reproduces the page's examples A, B and C", () => {
    expect(callLiteral(fn("FAST_REGEX_LOG_PARSE"), "Mary_had_a_little_lamb", "(.*)_+(._.*)")).toBeNull();
    expect(callLiteral(fn("FAST_REGEX_LOG_PARSE"), "Mary____had_a_little_lamb", "(.*)_+(.*)")).toEqual({
      COLUMN1: "Mary",
      COLUMN2: "had_a_little_lamb",
    });
    expect(
      callLiteral(fn("FAST_REGEX_LOG_PARSER"), "Mary____had_a_little_lamb", "(.*)_+(<Alpha>.*)"),
    ).toEqual({
      COLUMN1: "Mary",
      COLUMN2: "had_a_little_lamb",
    });
  });

  it("splits the first example lazily; the page's 'a_little_lamb' cannot leave '_.*' an underscore", () => {
    expect(callLiteral(fn("FAST_REGEX_LOG_PARSE"), "Mary_had_a_little_lamb", "(.*)_(._.*)_.*")).toEqual({
      COLUMN1: "Mary_had",
      COLUMN2: "a_little",
    });
    // "If the Fast Regex pattern had omitted the final asterisk, no results would be obtained."
    expect(callLiteral(fn("FAST_REGEX_LOG_PARSE"), "Mary_had_a_little_lamb", "(.*)_(._.*)_.")).toBeNull();
  });

  it("reads the automaton syntax and refuses what it cannot carry", () => {
    expect(compileFastRegex('("GET"|"PUT") (<Digit>+)"ms"').match("PUT 42ms")).toEqual(["PUT", "42"]);
    expect(compileFastRegex("([a-c]{2,3})@").match("abcx")).toEqual(["ab"]);
    expect(() => compileFastRegex("(a)~b")).toThrow(SqlFunctionError);
    expect(() => compileFastRegex("a|b")).toThrow(/union at the top level/);
    expect(() => compileFastRegex("(<0-9>)")).toThrow(SqlFunctionError);
  });
});

describe("W3C_LOG_PARSE (sql-reference-w3c-log-parse.html)", () => {
  const john = '192.168.254.30 - John [24/May/2004:22:01:02 -0700] "GET /icons/apache_pb.gif HTTP/1.1" 304 0';
  const jane = '192.168.254.30 - Jane [24/May/2004:22:01:02 -0700] "GET /icons/small/dir.gif HTTP/1.1" 304 0';
  it("parses the page's COMMON example into its seven columns", () => {
    expect(Object.values(callLiteral(fn("W3C_LOG_PARSE"), john, "COMMON") as object)).toEqual([
      "192.168.254.30",
      "-",
      "John",
      "[24/May/2004:22:01:02 -0700]",
      "GET /icons/apache_pb.gif HTTP/1.1",
      "304",
      "0",
    ]);
    expect(Object.values(callLiteral(fn("W3C_LOG_PARSE"), jane, "COMMON") as object)).toEqual([
      "192.168.254.30",
      "-",
      "Jane",
      "[24/May/2004:22:01:02 -0700]",
      "GET /icons/small/dir.gif HTTP/1.1",
      "304",
      "0",
    ]);
  });

  it("gives the same from the spelled-out format, and drops %t's brackets under [%t]", () => {
    expect(callLiteral(fn("W3C_LOG_PARSE"), john, '%h %l %u %t \\"%r\\" %>s %b')).toEqual(
      callLiteral(fn("W3C_LOG_PARSE"), john, "COMMON"),
    );
    expect(
      (callLiteral(fn("W3C_LOG_PARSE"), john, '%h %l %u [%t] "%r" %>s %b') as Record<string, unknown>)
        .COLUMN4,
    ).toBe("24/May/2004:22:01:02 -0700");
  });

  it("knows the other predefined formats", () => {
    const combined = `${john} "http://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"`;
    const r = callLiteral(fn("W3C_LOG_PARSE"), combined, "NCSA EXTENDED") as Record<string, unknown>;
    expect([r.COLUMN8, r.COLUMN9]).toEqual(["http://example.com/", "Mozilla/5.0 (X11; Linux x86_64)"]);
    expect(callLiteral(fn("W3C_LOG_PARSE"), "www.example.com " + john, "COMMON WITH VHOST")).toMatchObject({
      COLUMN1: "www.example.com",
    });
    expect(callLiteral(fn("W3C_LOG_PARSE"), "http://a.com/x ---> /index.html", "REFERER")).toEqual({
      COLUMN1: "http://a.com/x",
      COLUMN2: "/index.html",
    });
    expect(callLiteral(fn("W3C_LOG_PARSE"), "Mozilla/5.0 (X11)", "AGENT")).toEqual({
      COLUMN1: "Mozilla/5.0 (X11)",
    });
    const iis =
      "192.168.114.201, -, 03/20/05, 7:55:20, W3SVC2, SALES1, 172.21.13.45, 4502, 163, 3223, 200, 0, GET, /DeptLogo.gif, -,";
    const parsed = callLiteral(fn("W3C_LOG_PARSE"), iis, "IIS") as Record<string, unknown>;
    expect([parsed.COLUMN1, parsed.COLUMN13, parsed.COLUMN14, parsed.COLUMN15]).toEqual([
      "192.168.114.201",
      "GET",
      "/DeptLogo.gif",
      "-",
    ]);
    expect(callLiteral(fn("W3C_LOG_PARSE"), "not a log line", "COMMON")).toBeNull();
    expect(() => callLiteral(fn("W3C_LOG_PARSE"), john, "%h %Q")).toThrow(/unknown format specifier/);
  });
});

describe("VARIABLE_COLUMN_LOG_PARSE, FIXED_COLUMN_LOG_PARSE and SYS_LOG_PARSE", () => {
  it("splits at a delimiter with escape and quote characters (sql-reference-variable-column-log-parse.html)", () => {
    expect(callLiteral(fn("VARIABLE_COLUMN_LOG_PARSE"), "a,b", 2, ",")).toEqual({
      COLUMN1: "a",
      COLUMN2: "b",
    });
    expect(callLiteral(fn("VARIABLE_COLUMN_LOG_PARSE"), "a\\,b", 2, ",", "\\", '"')).toEqual({
      COLUMN1: "a,b",
      COLUMN2: null,
    });
    expect(
      callLiteral(
        fn("VARIABLE_COLUMN_LOG_PARSE"),
        'John Doe,"514 West Bay, Newport Beach, CA, 92661-1122",$32.16',
        3,
        ",",
        "\\",
        '"',
      ),
    ).toEqual({
      COLUMN1: "John Doe",
      COLUMN2: "514 West Bay, Newport Beach, CA, 92661-1122",
      COLUMN3: "$32.16",
    });
    expect(callLiteral(fn("VARIABLE_COLUMN_LOG_PARSE"), "x\t<1\t2>", 2, "\t", "", "<>")).toEqual({
      COLUMN1: "x",
      COLUMN2: "1\t2",
    });
    expect(
      callLiteral(
        fn("VARIABLE_COLUMN_LOG_PARSE"),
        "42|24/May/2004:22:01:02|3.5",
        "ID TYPE INTEGER NOT NULL, \"when\" TYPE TIMESTAMP 'dd/MMM/yyyy:HH:mm:ss', PRICE TYPE DECIMAL(5,2)",
        "|",
      ),
    ).toEqual({ ID: 42, when: ts("2004-05-24 22:01:02"), PRICE: 3.5 });
    expect(() => callLiteral(fn("VARIABLE_COLUMN_LOG_PARSE"), "|x", "ID TYPE INTEGER NOT NULL", "|")).toThrow(
      /NOT NULL/,
    );
    expect(() => callLiteral(fn("VARIABLE_COLUMN_LOG_PARSE"), "a", 0, ",")).toThrow(SqlFunctionError);
  });

  it("cuts fixed-width columns from 0-based starts (sql-reference-fixed-column-log-parse.html)", () => {
    const line = "20040524ERROR disk full";
    expect(
      callLiteral(
        fn("FIXED_COLUMN_LOG_PARSE"),
        line,
        "\"day\" TYPE DATE 'yyyyMMdd' START 0 FOR 8, LEVEL TYPE VARCHAR(5) START 8 FOR 5, MSG TYPE VARCHAR(20) START 14, X TYPE INTEGER START 40",
      ),
    ).toEqual({ day: parseDatetimeLiteral("DATE", "2004-05-24"), LEVEL: "ERROR", MSG: "disk full", X: null });
    expect(() => callLiteral(fn("FIXED_COLUMN_LOG_PARSE"), line, "A TYPE VARCHAR(2)")).toThrow(/START/);
  });

  it("reads a syslog line (sql-reference-sys-log-parse.html)", () => {
    expect(
      callLiteral(fn("SYS_LOG_PARSE"), "Mar  7 04:02:16 ip-10-0-0-1 sshd[42]: Accepted publickey"),
    ).toEqual({
      COLUMN1: ts("1970-03-07 04:02:16"),
      COLUMN2: "ip-10-0-0-1 sshd[42]: Accepted publickey",
    });
    expect(callLiteral(fn("SYS_LOG_PARSE"), "no timestamp here")).toBeNull();
    expect(typeFor(fn("SYS_LOG_PARSE"), t("VARCHAR")).fields?.map((f) => f.type.name)).toEqual([
      "TIMESTAMP",
      "VARCHAR",
    ]);
  });
});
