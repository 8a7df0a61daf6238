import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_STREAM } from "../plan/error-stream.ts";
import { compileSql } from "../planner/compile-sql.ts";
import { sqlHarness } from "../testing/sql-harness.ts";
import { queryHarness } from "./test-support/query-harness.ts";

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10, 0);
const TRADES = { TRADES: { EVENT_TIME: "TIMESTAMP", TICKER: "VARCHAR(4)", PRICE: "INTEGER" } };

const decode = (hex: string): unknown => JSON.parse(Buffer.from(hex, "hex").toString("utf8"));

// Reference §7.1: "Whenever a row arrives that changes the value of the monotonic grouping
// expression, a new group is started and the previous group is considered complete."
const PER_EVENT_MINUTE = `SELECT STREAM MONOTONIC(STEP(t.EVENT_TIME BY INTERVAL '1' MINUTE)) AS W,
    t.TICKER, COUNT(*) AS N, SUM(t.PRICE) AS S
  FROM TRADES AS t
  GROUP BY MONOTONIC(STEP(t.EVENT_TIME BY INTERVAL '1' MINUTE)), t.TICKER`;

describe("a streaming GROUP BY closed by a monotonic column other than ROWTIME", () => {
  it("closes a value's groups when a row of a later value arrives, stamped with that row's ROWTIME, in key order", async () => {
    const h = await sqlHarness(PER_EVENT_MINUTE, { inputs: TRADES });
    await h.push("TRADES", { EVENT_TIME: T0 + 5_000, TICKER: "MSFT", PRICE: 1 }, 1_000);
    await h.push("TRADES", { EVENT_TIME: T0 + 9_000, TICKER: "AMZN", PRICE: 2 }, 2_000);
    await h.push("TRADES", { EVENT_TIME: T0 + 50_000, TICKER: "MSFT", PRICE: 3 }, 3_000);
    // The watermark passing does not close a group of an event-time value: only a later value does.
    await h.advance(10_000);
    expect(h.rows()).toEqual([]);
    await h.push("TRADES", { EVENT_TIME: T0 + MINUTE, TICKER: "AMZN", PRICE: 4 }, 11_000);
    // Rows are taken in ROWTIME order once the watermark passes them: the next bound.
    expect(h.rows()).toEqual([]);
    await h.advance(11_001);
    expect(h.rows()).toEqual([
      { ROWTIME: 11_000, W: T0, TICKER: "AMZN", N: 1, S: 2 },
      { ROWTIME: 11_000, W: T0, TICKER: "MSFT", N: 2, S: 4 },
    ]);
    await h.push("TRADES", { EVENT_TIME: T0 + MINUTE + 1, TICKER: "AMZN", PRICE: 5 }, 11_500);
    await h.finish();
    // The end of input closes the last value's groups with the greatest ROWTIME seen.
    expect(h.rows().slice(2)).toEqual([{ ROWTIME: 11_500, W: T0 + MINUTE, TICKER: "AMZN", N: 2, S: 9 }]);
    expect(h.rows(ERROR_STREAM)).toEqual([]);
  });

  it("sends a row whose monotonic value went back to error_stream as LATE_ROW and goes on", async () => {
    const h = await sqlHarness(PER_EVENT_MINUTE, { inputs: TRADES, queryStart: 7 });
    await h.push("TRADES", { EVENT_TIME: T0 + MINUTE, TICKER: "AMZN", PRICE: 1 }, 1_000);
    await h.push("TRADES", { EVENT_TIME: T0 + 2 * MINUTE, TICKER: "AMZN", PRICE: 2 }, 2_000);
    await h.push("TRADES", { EVENT_TIME: T0 + 30_000, TICKER: "MSFT", PRICE: 3 }, 3_000);
    await h.push("TRADES", { EVENT_TIME: T0 + 2 * MINUTE, TICKER: "AMZN", PRICE: 4 }, 4_000);
    await h.finish();
    expect(h.rows()).toEqual([
      { ROWTIME: 2_000, W: T0 + MINUTE, TICKER: "AMZN", N: 1, S: 1 },
      { ROWTIME: 4_000, W: T0 + 2 * MINUTE, TICKER: "AMZN", N: 2, S: 6 },
    ]);
    const errors = h.rows(ERROR_STREAM);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      ROWTIME: 3_000,
      ERROR_TIME: 7,
      ERROR_LEVEL: "ERROR",
      ERROR_NAME: "LATE_ROW",
      DATA_ROWTIME: 3_000,
      PUMP_NAME: "",
    });
    expect(errors[0]!.MESSAGE).toMatch(
      /^late row: the GROUP BY's monotonic key went back from .* to .*; the row was dropped$/,
    );
    expect(decode(errors[0]!.DATA_ROW as string)).toEqual({
      EVENT_TIME: T0 + 30_000,
      TICKER: "MSFT",
      PRICE: 3,
    });
  });

  it("groups by a subquery's MONOTONIC column, as AWS's real-time web analytics counts visitors", async () => {
    const sql = `CREATE OR REPLACE STREAM OUT (W TIMESTAMP, VISITORS BIGINT);
      CREATE OR REPLACE PUMP P AS INSERT INTO OUT
      SELECT STREAM v.W, COUNT(v.CLIENT) FROM (
        SELECT STREAM DISTINCT MONOTONIC(STEP(l.EVENT_TIME BY INTERVAL '60' SECOND)) AS W, l.CLIENT AS CLIENT
        FROM LOGS AS l) AS v
      GROUP BY v.W`;
    const h = await sqlHarness(sql, { inputs: { LOGS: { EVENT_TIME: "TIMESTAMP", CLIENT: "VARCHAR(8)" } } });
    const visits: [number, string][] = [
      [T0 + 1_000, "u1"],
      [T0 + 2_000, "u2"],
      [T0 + 3_000, "u1"],
      [T0 + MINUTE + 1, "u1"],
    ];
    for (const [i, [at, client]] of visits.entries())
      await h.push("LOGS", { EVENT_TIME: at, CLIENT: client }, (i + 1) * 1_000);
    await h.finish();
    expect(h.rows("OUT")).toEqual([
      { ROWTIME: 4_000, W: T0, VISITORS: 2 },
      { ROWTIME: 4_000, W: T0 + MINUTE, VISITORS: 1 },
    ]);
  });

  it("takes rows in ROWTIME order, not arrival order, when two pumps feed its stream", async () => {
    const sql = `CREATE OR REPLACE STREAM MERGED (V INTEGER, X INTEGER);
      CREATE OR REPLACE PUMP PA AS INSERT INTO MERGED SELECT STREAM V, X FROM A;
      CREATE OR REPLACE PUMP PB AS INSERT INTO MERGED SELECT STREAM V, X FROM B;
      SELECT STREAM MONOTONIC(m.V) AS V, SUM(m.X) AS S FROM MERGED AS m GROUP BY MONOTONIC(m.V)`;
    const h = await sqlHarness(sql, {
      inputs: { A: { V: "INTEGER", X: "INTEGER" }, B: { V: "INTEGER", X: "INTEGER" } },
    });
    // B's rows arrive first but come later in ROWTIME: taken in arrival order, V would go back.
    await h.push("B", { V: 2, X: 10 }, 3_000);
    await h.push("B", { V: 3, X: 20 }, 4_000);
    await h.push("A", { V: 1, X: 1 }, 1_000);
    await h.push("A", { V: 2, X: 2 }, 2_000);
    await h.finish();
    expect(h.rows()).toEqual([
      { ROWTIME: 2_000, V: 1, S: 1 },
      { ROWTIME: 4_000, V: 2, S: 12 },
      { ROWTIME: 4_000, V: 3, S: 20 },
    ]);
    expect(h.rows(ERROR_STREAM)).toEqual([]);
  });

  it("keeps its open groups and waiting rows across a checkpoint", async () => {
    const plan = compileSql(
      "SELECT STREAM MONOTONIC(V) AS V, K, COUNT(*) AS N FROM S GROUP BY MONOTONIC(V), K",
      {
        inputs: { S: { V: "INTEGER", K: "VARCHAR(1)" } },
        referenceTables: {},
        queryStart: 0,
      },
    );
    const run = async (restart: boolean) => {
      const h = queryHarness(plan);
      await h.processElements([
        { value: [1, "a"], timestamp: 1_000 },
        { value: [1, "b"], timestamp: 2_000 },
      ]);
      await h.processWatermark(1_500); // the row at 2 s still waits for the watermark
      if (restart) await h.snapshotAndRestore();
      await h.processElements([
        { value: [1, "a"], timestamp: 3_000 },
        { value: [2, "a"], timestamp: 4_000 },
      ]);
      await h.endInput();
      return h.output();
    };
    const expected = [
      { value: [1, "a", 2], timestamp: 4_000 },
      { value: [1, "b", 1], timestamp: 4_000 },
      { value: [2, "a", 1], timestamp: 4_000 },
    ];
    expect(await run(false)).toEqual(expected);
    expect(await run(true)).toEqual(expected);
  });

  it("keeps a STEP(ROWTIME) key in charge when a MONOTONIC key comes first", async () => {
    const sql = `SELECT STREAM MONOTONIC(t.PRICE) AS P, COUNT(*) AS N FROM TRADES AS t
      GROUP BY MONOTONIC(t.PRICE), STEP(t.ROWTIME BY INTERVAL '1' MINUTE)`;
    const h = await sqlHarness(sql, { inputs: TRADES });
    await h.push("TRADES", { EVENT_TIME: 0, TICKER: "A", PRICE: 1 }, 1_000);
    await h.push("TRADES", { EVENT_TIME: 0, TICKER: "A", PRICE: 2 }, 2_000);
    await h.push("TRADES", { EVENT_TIME: 0, TICKER: "A", PRICE: 1 }, MINUTE + 1);
    await h.finish();
    // One row per price and minute, at the minute's end: the tumbling window, not the value change.
    expect(h.rows()).toEqual([
      { ROWTIME: MINUTE, P: 1, N: 1 },
      { ROWTIME: MINUTE, P: 2, N: 1 },
      { ROWTIME: 2 * MINUTE, P: 1, N: 1 },
    ]);
  });
});

interface Drawn {
  readonly V: number | null;
  readonly K: string;
  readonly X: number | null;
  readonly at: number;
}

/** A monotonic column with repeats, now and then a NULL or a step back; a few keys; ROWTIMEs with ties. */
const drawnArb = fc
  .array(
    fc.record({
      move: fc.constantFrom("same", "same", "up", "up", "back", "null"),
      K: fc.constantFrom("a", "b", "c"),
      X: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null, freq: 6 }),
      gap: fc.constantFrom(0, 1, 500, 60_000),
    }),
    { maxLength: 50 },
  )
  .map((draws) => {
    let v = 10;
    let at = 0;
    return draws.map((d): Drawn => {
      at += d.gap;
      if (d.move === "up") v += 1 + (at % 3);
      const V = d.move === "null" ? null : d.move === "back" ? v - 5 : v;
      return { V, K: d.K, X: d.X, at };
    });
  });

/** What the reference's rule gives, computed plainly: runs of equal values, a step back dropped. */
function expectedGroups(rows: readonly Drawn[]) {
  const out: { ROWTIME: number; V: number | null; K: string; N: number; S: number | null }[] = [];
  const late: number[] = [];
  let last: number | null = null;
  let run: Drawn[] = [];
  const close = (at: number) => {
    const keys = [...new Set(run.map((r) => r.K))].sort();
    for (const K of keys) {
      const members = run.filter((r) => r.K === K);
      const xs = members.map((r) => r.X).filter((x): x is number => x !== null);
      out.push({
        ROWTIME: at,
        V: members[0]!.V,
        K,
        N: members.length,
        S: xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0),
      });
    }
    run = [];
  };
  for (const row of rows) {
    if (row.V !== null && last !== null && row.V < last) {
      late.push(row.at);
      continue;
    }
    if (run.length > 0 && run[0]!.V !== row.V) close(row.at);
    if (row.V !== null) last = row.V;
    run.push(row);
  }
  if (run.length > 0) close(rows.at(-1)!.at);
  return { out, late };
}

describe("GROUP BY MONOTONIC(V), K equals a plain computation on random input", () => {
  it("one row per run of equal V and key, late rows to error_stream", async () => {
    await fc.assert(
      fc.asyncProperty(drawnArb, async (rows) => {
        const h = await sqlHarness(
          "SELECT STREAM MONOTONIC(V) AS V, K, COUNT(*) AS N, SUM(X) AS S FROM S GROUP BY MONOTONIC(V), K",
          { inputs: { S: { V: "INTEGER", K: "VARCHAR(1)", X: "INTEGER" } } },
        );
        for (const row of rows) await h.push("S", { V: row.V, K: row.K, X: row.X }, row.at);
        await h.finish();
        const { out, late } = expectedGroups(rows);
        expect(h.rows()).toEqual(out);
        expect(h.rows(ERROR_STREAM).map((r) => [r.ERROR_NAME, r.DATA_ROWTIME])).toEqual(
          late.map((at) => ["LATE_ROW", at]),
        );
      }),
      { numRuns: 40 },
    );
  });
});
