import { describe, expect, it } from "vitest";
import { awsSolutionApps } from "../../test/apps/index.ts";
import { parseSqlTypeText } from "../functions/conversion/sql-type-text.ts";
import { readApplicationDescription } from "./application-description.ts";
import type { RecordColumn, RecordFormat, RecordSchema } from "./application-model.ts";
import { APPROXIMATE_ARRIVAL_TIME, compileInputMapping, inputStreamColumns } from "./input-mapping.ts";

const ARRIVAL = Date.UTC(2024, 2, 1, 12, 0, 0, 250);
const bytes = (text: string) => new TextEncoder().encode(text);
const hex = (text: string) => Buffer.from(text, "utf8").toString("hex");

function column(name: string, sqlType: string, mapping?: string): RecordColumn {
  return { name, sqlType, type: parseSqlTypeText(sqlType), ...(mapping === undefined ? {} : { mapping }) };
}

function schema(
  columns: RecordColumn[],
  format: RecordFormat = { kind: "JSON", rowPath: "$" },
): RecordSchema {
  return { format, encoding: "UTF-8", columns };
}

/** The rows of one record without the APPROXIMATE_ARRIVAL_TIME column (checked on its own). */
function rowsOf(s: RecordSchema, text: string): unknown[][] {
  const mapped = compileInputMapping(s).map(bytes(text), ARRIVAL);
  expect(mapped.error).toBeUndefined();
  for (const row of mapped.rows) expect(row.at(-1)).toBe(ARRIVAL);
  return mapped.rows.map((row) => row.slice(0, -1));
}

function errorOf(s: RecordSchema, text: string) {
  const mapped = compileInputMapping(s).map(bytes(text), ARRIVAL);
  expect(mapped.rows).toEqual([]);
  return mapped.error!;
}

/** The record of AWS's "Working with JSONPath" page (made valid JSON). */
const CUSTOMER = JSON.stringify({
  customerName: "John Doe",
  address: { streetAddress: { number: "123", street: "AnyStreet" }, city: "Anytown" },
  orders: [
    { orderId: "23284", itemName: "Widget", itemPrice: "33.99" },
    { orderId: "63122", itemName: "Gadget", itemPrice: "22.50" },
    { orderId: "77284", itemName: "Sprocket", itemPrice: "12.00" },
  ],
});

describe("JSON input mapping (KDA's JSONPath page)", () => {
  it("reads members and nested members, case-sensitively; a missing one is NULL", () => {
    const s = schema([
      column("customerName", "VARCHAR(32)", "$.customerName"),
      column("CITY", "VARCHAR(32)", "$.address.city"),
      column("STREET", "VARCHAR(32)", "$.address.streetAddress.street"),
      column("NAME", "VARCHAR(32)", "$.Name"),
      column("CUSTOMER_ID", "INTEGER", "$.customerId"),
    ]);
    expect(rowsOf(s, CUSTOMER)).toEqual([["John Doe", "Anytown", "AnyStreet", null, null]]);
  });

  it("$.orders[0:] is the whole array, one value, as JSON text in a character column", () => {
    const s = schema([column("ORDERS", "VARCHAR(512)", "$.orders[0:]")]);
    expect(rowsOf(s, CUSTOMER)).toEqual([[JSON.stringify(JSON.parse(CUSTOMER).orders)]]);
  });

  it("$.orders[0:].orderId flattens: one row per element, the other columns repeated", () => {
    const s = schema([
      column("NAME", "VARCHAR(16)", "$.customerName"),
      column("ORDER_ID", "INTEGER", "$.orders[0:].orderId"),
      column("PRICE", "DECIMAL(5,2)", "$.orders[0:].itemPrice"),
      column("ITEM_ID", "VARCHAR(8)", "$.orders[0:].itemId"),
    ]);
    expect(rowsOf(s, CUSTOMER)).toEqual([
      ["John Doe", 23284, 33.99, null],
      ["John Doe", 63122, 22.5, null],
      ["John Doe", 77284, 12, null],
    ]);
  });

  it("a second array referenced whole is repeated for every element of the flattened one", () => {
    const s = schema([column("TAG", "VARCHAR(8)", "$.tags[0:]"), column("ID", "INTEGER", "$.items[0:].id")]);
    expect(rowsOf(s, '{"tags":["a","b"],"items":[{"id":1},{"id":2}]}')).toEqual([
      ['["a","b"', 1],
      ['["a","b"', 2],
    ]);
  });

  it("an empty or missing flattened array gives one row of NULLs", () => {
    const s = schema([
      column("NAME", "VARCHAR(16)", "$.customerName"),
      column("ID", "INTEGER", "$.orders[0:].orderId"),
    ]);
    expect(rowsOf(s, '{"customerName":"Ann","orders":[]}')).toEqual([[null, null]]);
    expect(rowsOf(s, '{"customerName":"Ann"}')).toEqual([[null, null]]);
  });

  it("maps every JSON document of a payload (a Lambda preprocessor may return several)", () => {
    const s = schema([column("ID", "INTEGER", "$.id")]);
    expect(rowsOf(s, '{"id":1}\n{"id":2}{"id":3}')).toEqual([[1], [2], [3]]);
  });

  it("reads rows under RecordRowPath, each element of an array when it ends in [0:]", () => {
    const under = schema([column("ID", "INTEGER", "$.id")], { kind: "JSON", rowPath: "$.payload" });
    expect(rowsOf(under, '{"payload":{"id":4},"id":9}')).toEqual([[4]]);
    const each = schema([column("ID", "INTEGER", "$.id")], { kind: "JSON", rowPath: "$.records[0:]" });
    expect(rowsOf(each, '{"records":[{"id":1},{"id":2}]}')).toEqual([[1], [2]]);
    expect(errorOf(under, '{"id":9}').MESSAGE).toBe("RecordRowPath $.payload finds nothing in the record");
  });

  it("coerces by KDA's table and cuts characters silently", () => {
    const s = schema([
      column("FLAG", "INTEGER", "$.flag"),
      column("OK", "BOOLEAN", "$.ok"),
      column("ON", "BOOLEAN", "$.on"),
      column("TICKER", "VARCHAR(4)", "$.ticker"),
      column("AT", "TIMESTAMP", "$.at"),
      column("DAY", "DATE", "$.day"),
      column("BLOB", "VARBINARY(4)", "$.blob"),
      column("OBJ", "VARCHAR(64)", "$.obj"),
      column("NUM_TEXT", "VARCHAR(8)", "$.num"),
      column("PRICE", "REAL", "$.price"),
    ]);
    const record = {
      flag: true,
      ok: "TRUE",
      on: 0,
      ticker: "AMZN.O",
      at: "1992-02-14 18:35:44.0",
      day: "1992-02-14",
      blob: "X'3F67A23A'",
      obj: { a: [1, 2] },
      num: 12.5,
      price: "0.1",
    };
    expect(rowsOf(s, JSON.stringify(record))).toEqual([
      [
        1,
        true,
        false,
        "AMZN",
        Date.UTC(1992, 1, 14, 18, 35, 44),
        Date.UTC(1992, 1, 14),
        Uint8Array.of(0x3f, 0x67, 0xa2, 0x3a),
        '{"a":[1,2]}',
        "12.5",
        Math.fround(0.1),
      ],
    ]);
  });

  it("appends APPROXIMATE_ARRIVAL_TIME, the record's arrival, as the last column", () => {
    const s = schema([column("ID", "INTEGER", "$.id")]);
    const mapping = compileInputMapping(s);
    expect(mapping.columns).toEqual([
      { name: "ID", type: { name: "INTEGER", nullable: true } },
      APPROXIMATE_ARRIVAL_TIME,
    ]);
    expect(inputStreamColumns(s)).toEqual(mapping.columns);
    expect(mapping.map(bytes('{"id":5}'), ARRIVAL)).toEqual({ rows: [[5, ARRIVAL]] });
  });
});

describe("records that cannot be mapped go to error_stream whole (A6)", () => {
  const s = schema([
    column("NAME", "VARCHAR(16)", "$.customerName"),
    column("ID", "INTEGER", "$.orders[0:].orderId"),
  ]);

  it("one value that cannot be coerced rejects the whole record", () => {
    const record = '{"customerName":"Ann","orders":[{"orderId":1},{"orderId":123.4},{"orderId":3}]}';
    expect(errorOf(s, record)).toEqual({
      ERROR_TIME: ARRIVAL,
      ERROR_LEVEL: "ERROR",
      ERROR_NAME: "COERCION_FAILED",
      MESSAGE:
        'column "ID" INTEGER from $.orders[0:].orderId (element 1): Cannot coerce JSON number 123.4 to INTEGER: not a whole number',
      DATA_ROWTIME: ARRIVAL,
      DATA_ROW: hex(record),
      PUMP_NAME: null,
    });
  });

  it.each([
    ["a number into a TIMESTAMP", schema([column("AT", "TIMESTAMP", "$.at")]), '{"at":1700000000000}'],
    ["text that is no number", schema([column("N", "DOUBLE", "$.n")]), '{"n":"twelve"}'],
    ["an object into a number", schema([column("N", "BIGINT", "$.n")]), '{"n":{"v":1}}'],
    ["a number too large for its type", schema([column("N", "TINYINT", "$.n")]), '{"n":300}'],
  ])("%s is a COERCION_FAILED", (_, bad, record) => {
    expect(errorOf(bad, record).ERROR_NAME).toBe("COERCION_FAILED");
  });

  it("text that is not JSON, or not UTF-8, or an empty record is a PARSE_FAILED with the bytes in hex", () => {
    const notJson = errorOf(s, '{"customerName": Ann}');
    expect(notJson.ERROR_NAME).toBe("PARSE_FAILED");
    expect(notJson.MESSAGE).toMatch(/^the record is not JSON: JSON document 1 \(at character 1\): /);
    expect(notJson.DATA_ROW).toBe(hex('{"customerName": Ann}'));
    const invalid = compileInputMapping(s).map(Uint8Array.of(0x7b, 0xff, 0x7d), ARRIVAL);
    expect(invalid).toEqual({
      rows: [],
      error: expect.objectContaining({
        ERROR_NAME: "PARSE_FAILED",
        MESSAGE: "the record is not UTF-8 text",
        DATA_ROW: "7bff7d",
      }),
    });
    expect(errorOf(s, "  ").MESSAGE).toBe("the record holds no JSON document");
    expect(errorOf(s, "42").MESSAGE).toBe("expected a JSON object or array at RecordRowPath $, found number");
  });
});

describe("CSV input mapping", () => {
  const csv = (columnDelimiter: string, rowDelimiter: string): RecordFormat => ({
    kind: "CSV",
    columnDelimiter,
    rowDelimiter,
  });

  it("takes columns in order, a prefix of the fields, rows at the row delimiter", () => {
    const s = schema(
      [column("LAST", "VARCHAR(16)"), column("FIRST", "VARCHAR(16)"), column("ID", "INTEGER")],
      csv(",", "\n"),
    );
    expect(rowsOf(s, "Doe,John,7,extra,fields\nRoe,Jane,8\n")).toEqual([
      ["Doe", "John", 7],
      ["Roe", "Jane", 8],
    ]);
  });

  it("splits at delimiters of several characters, keeps quotes as data, reads empty and missing fields as NULL", () => {
    const s = schema(
      [column("A", "VARCHAR(8)"), column("B", "INTEGER"), column("C", "VARCHAR(8)")],
      csv("||", "\r\n"),
    );
    expect(rowsOf(s, '"x"||1||y\r\n||2\r\nz\r\n\r\n')).toEqual([
      ['"x"', 1, "y"],
      [null, 2, null],
      ["z", null, null],
    ]);
  });

  it("a field that cannot be coerced rejects the record; a record of blank lines holds no row", () => {
    const s = schema([column("A", "VARCHAR(8)"), column("B", "INTEGER")], csv(",", "\n"));
    expect(errorOf(s, "a,1\nb,two\n")).toMatchObject({
      ERROR_NAME: "COERCION_FAILED",
      MESSAGE: 'column "B" INTEGER from field 2: Cannot coerce JSON string "two" to INTEGER: not a number',
    });
    expect(errorOf(s, "\n\n")).toMatchObject({
      ERROR_NAME: "PARSE_FAILED",
      MESSAGE: "the record holds no CSV row",
    });
  });
});

describe("the AWS Solutions applications' generated input", () => {
  it.each(awsSolutionApps.map((app) => [app.name, app] as const))(
    "%s maps every record to one row",
    (_, app) => {
      const input = readApplicationDescription(app.description).input!;
      const mapping = compileInputMapping(input.schema);
      const records = app.generateInput({ seed: 17, count: 300, start: Date.UTC(2024, 0, 1) });
      for (const record of records) {
        const mapped = mapping.map(bytes(record.data), record.arrivalTime);
        expect(mapped.error).toBeUndefined();
        expect(mapped.rows).toHaveLength(1);
        const source = JSON.parse(record.data) as Record<string, unknown>;
        input.schema.columns.forEach((c, i) => {
          const value = source[c.mapping!.slice(2)];
          if (c.type.name === "VARCHAR" && typeof value === "string") {
            expect(mapped.rows[0]![i]).toBe(value.slice(0, c.type.length));
          }
        });
        expect(mapped.rows[0]!.at(-1)).toBe(record.arrivalTime);
      }
    },
  );
});
