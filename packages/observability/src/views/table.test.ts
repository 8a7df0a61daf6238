import { describe, expect, test } from "vitest";
import { table } from "./table.ts";

describe("table", () => {
  test("without a key each record's rows replace the table, ranked and cut to the limit", () => {
    const top = table({
      title: "Top pages",
      rows: (r: { pages: { page: string; hits: number }[] }) => r.pages,
      sortBy: "hits",
      limit: 2,
    });
    top.write([{ pages: [{ page: "/old", hits: 100 }] }]);
    top.write([
      {
        pages: [
          { page: "/a", hits: 3 },
          { page: "/b", hits: 9 },
          { page: "/c", hits: 5 },
        ],
      },
    ]);
    expect(top.state()).toEqual({
      kind: "table",
      rows: [
        { page: "/b", hits: 9 },
        { page: "/c", hits: 5 },
      ],
    });
    expect(top.definition()).toEqual({
      kind: "table",
      id: "top-pages",
      title: "Top pages",
      columns: undefined,
      sortBy: "hits",
      descending: true,
      limit: 2,
    });
  });

  test("with a key rows are upserted; pages get the table only when it changed", () => {
    const latest = table({
      title: "Latest price",
      rows: (t: { symbol: string; price: number }) => t,
      key: (row) => row.symbol,
      columns: ["symbol", "price"],
      sortBy: "symbol",
      descending: false,
    });
    latest.write([
      { symbol: "USDJPY", price: 150 },
      { symbol: "EURUSD", price: 1.08 },
    ]);
    const seen = latest.version;
    expect(latest.changesSince(seen)).toBeUndefined();
    latest.write([{ symbol: "USDJPY", price: 151 }]);
    expect(latest.changesSince(seen)).toEqual({
      kind: "table",
      rows: [
        { symbol: "EURUSD", price: 1.08 },
        { symbol: "USDJPY", price: 151 },
      ],
    });
  });

  test("refuses a limit that is not a positive integer", () => {
    expect(() => table({ title: "T", rows: (r: { a: number }) => r, limit: 0 })).toThrow(
      "table(t): limit must be a positive integer, got 0",
    );
  });
});
