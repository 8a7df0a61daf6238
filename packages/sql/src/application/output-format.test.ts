import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSqlTypeText } from "../functions/conversion/sql-type-text.ts";
import type { SqlField } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { compileInputMapping } from "./input-mapping.ts";
import { compileOutputFormat } from "./output-format.ts";

const field = (name: string, sqlType: string): SqlField => ({ name, type: parseSqlTypeText(sqlType) });

const COLUMNS: SqlField[] = [
  field("TICKER", "VARCHAR(8)"),
  field("eventTime", "TIMESTAMP"),
  field("DAY", "DATE"),
  field("AT", "TIME"),
  field("N", "INTEGER"),
  field("BIG", "BIGINT"),
  field("PRICE", "DECIMAL(8,2)"),
  field("RATIO", "DOUBLE"),
  field("SMALL", "REAL"),
  field("OK", "BOOLEAN"),
  field("BLOB", "VARBINARY(8)"),
];

const ROW: SqlValue[] = [
  'say "hi", ok',
  Date.UTC(2024, 0, 1, 11, 1, 2, 30),
  Date.UTC(2024, 1, 29),
  (13 * 3600 + 5 * 60 + 7) * 1000 + 9,
  -42,
  9_007_199_254_740_991,
  12.5,
  1e7,
  Math.fround(0.1),
  false,
  Uint8Array.of(1, 2, 255),
];

describe("compileOutputFormat (A7)", () => {
  it("JSON: one object, keys as declared in column order, values in KDA's text", () => {
    expect(compileOutputFormat(COLUMNS, "JSON")(ROW)).toBe(
      '{"TICKER":"say \\"hi\\", ok","eventTime":"2024-01-01 11:01:02.030","DAY":"2024-02-29","AT":"13:05:07.009",' +
        '"N":-42,"BIG":9007199254740991,"PRICE":12.50,"RATIO":1.0E7,"SMALL":0.1,"OK":false,"BLOB":"AQL/"}',
    );
  });

  it("CSV: fields in column order, quoted only when they must be, one record per row ending in \\n", () => {
    expect(compileOutputFormat(COLUMNS, "CSV")(ROW)).toBe(
      '"say ""hi"", ok",2024-01-01 11:01:02.030,2024-02-29,13:05:07.009,-42,9007199254740991,12.50,1.0E7,0.1,false,AQL/\n',
    );
    const text = [field("A", "VARCHAR(8)"), field("B", "VARCHAR(8)"), field("C", "VARCHAR(8)")];
    expect(compileOutputFormat(text, "CSV")(["a\nb", "c\rd", "plain"])).toBe('"a\nb","c\rd",plain\n');
  });

  it("NULL is null in JSON and an empty field in CSV; NaN and infinities are null in JSON, Java's text in CSV", () => {
    const columns = [
      field("A", "VARCHAR(4)"),
      field("X", "DOUBLE"),
      field("Y", "DOUBLE"),
      field("T", "TIMESTAMP"),
    ];
    const row = [null, Number.NaN, Number.NEGATIVE_INFINITY, null];
    expect(compileOutputFormat(columns, "JSON")(row)).toBe('{"A":null,"X":null,"Y":null,"T":null}');
    expect(compileOutputFormat(columns, "CSV")(row)).toBe(",NaN,-Infinity,\n");
  });

  it("timestamps before 1970 keep their time of day", () => {
    const columns = [field("T", "TIMESTAMP")];
    expect(compileOutputFormat(columns, "JSON")([Date.UTC(1969, 11, 31, 23, 59, 59, 999)])).toBe(
      '{"T":"1969-12-31 23:59:59.999"}',
    );
  });

  it("a column of no declared type is written by what its value is", () => {
    const columns: SqlField[] = [
      { name: "A", type: { name: "ANY", nullable: true } },
      { name: "B", type: { name: "ANY", nullable: true } },
      { name: "C", type: { name: "ANY", nullable: true } },
    ];
    expect(compileOutputFormat(columns, "JSON")([3, "x", { kind: "day-time", ms: 90_000 }])).toBe(
      '{"A":3.0,"B":"x","C":"+0 00:01:30"}',
    );
  });

  it("what JSON output writes, KDA's JSON input mapping reads back as the same values", () => {
    const sqlTypes = [
      "VARCHAR(12)",
      "INTEGER",
      "BIGINT",
      "DECIMAL(9,3)",
      "DOUBLE",
      "REAL",
      "BOOLEAN",
      "TIMESTAMP",
      "DATE",
      "VARBINARY(6)",
    ];
    const values: Record<string, fc.Arbitrary<SqlValue>> = {
      "VARCHAR(12)": fc.string({ maxLength: 12 }),
      INTEGER: fc.integer(),
      BIGINT: fc.maxSafeInteger(),
      "DECIMAL(9,3)": fc.integer({ min: -999_999_999, max: 999_999_999 }).map((n) => n / 1000),
      DOUBLE: fc.double({ noNaN: true, noDefaultInfinity: true }),
      REAL: fc.float({ noNaN: true, noDefaultInfinity: true }),
      BOOLEAN: fc.boolean(),
      TIMESTAMP: fc.integer({ min: -30_000_000_000_000, max: 30_000_000_000_000 }),
      DATE: fc.integer({ min: -100_000, max: 100_000 }).map((d) => d * 86_400_000),
      "VARBINARY(6)": fc.uint8Array({ maxLength: 6 }),
    };
    const columns = sqlTypes.map((t, i) => field(`C${i}`, t));
    const serialize = compileOutputFormat(columns, "JSON");
    const mapping = compileInputMapping({
      format: { kind: "JSON", rowPath: "$" },
      encoding: "UTF-8",
      columns: columns.map((c) => ({ name: c.name, sqlType: "", type: c.type, mapping: `$.${c.name}` })),
    });
    fc.assert(
      fc.property(fc.tuple(...sqlTypes.map((t) => fc.option(values[t]!))), (row) => {
        const mapped = mapping.map(new TextEncoder().encode(serialize(row)), 0);
        expect(mapped.error).toBeUndefined();
        expect(mapped.rows).toHaveLength(1);
        // -0 is written "-0.0" and read back as -0; toEqual tells them apart, as it should.
        expect(mapped.rows[0]!.slice(0, -1)).toEqual(row);
      }),
    );
  });
});
