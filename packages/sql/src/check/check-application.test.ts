import { describe, expect, it } from "vitest";
import { parseSql } from "../syntax/parse.ts";
import type { SqlField } from "../types/sql-type.ts";
import { checkApplication } from "./check-application.ts";

const inputs: Record<string, SqlField[]> = {
  SOURCE_SQL_STREAM_001: [
    { name: "TICKER", type: { name: "VARCHAR", length: 4, nullable: true } },
    { name: "PRICE", type: { name: "REAL", nullable: true } },
    { name: "EVENT_TIME", type: { name: "TIMESTAMP", nullable: true } },
  ],
};
const DEST = `CREATE OR REPLACE STREAM DEST (TICKER VARCHAR(4), N BIGINT);\n`;

function check(sql: string) {
  return checkApplication(parseSql(sql), { inputs });
}

function refusal(sql: string) {
  try {
    check(sql);
  } catch (error) {
    return error as Error & { line: number; column: number; reason: string };
  }
  throw new Error(`accepted: ${sql}`);
}

describe("checkApplication", () => {
  it("types a pump's query and maps it onto its target's columns", () => {
    const app = check(`${DEST}CREATE OR REPLACE PUMP P AS INSERT INTO DEST (N, TICKER)
      SELECT STREAM COUNT(*), TICKER FROM SOURCE_SQL_STREAM_001 s
      GROUP BY TICKER, STEP(s.ROWTIME BY INTERVAL '1' MINUTE)`);
    const pump = app.pumps[0]!;
    expect(pump).toMatchObject({ name: "P", target: "DEST", targetColumns: [1, 0] });
    expect(pump.query).toMatchObject({ kind: "select", monotonicKey: 1 });
    expect(pump.query.columns.map((c) => [c.name, c.type.name])).toEqual([
      ["EXPR$0", "BIGINT"],
      ["TICKER", "VARCHAR"],
    ]);
    expect(app.inputs.map((i) => i.name)).toEqual(["SOURCE_SQL_STREAM_001"]);
  });

  it("knows a subquery's MONOTONIC column as a GROUP BY key", () => {
    const app = check(`SELECT STREAM w, COUNT(*) FROM (
        SELECT STREAM MONOTONIC(FLOOR(ROWTIME TO MINUTE)) AS w, TICKER FROM SOURCE_SQL_STREAM_001) AS t
      GROUP BY w`);
    expect(app.queries[0]).toMatchObject({ kind: "select", monotonicKey: 0 });
  });

  it("turns window frames into Eddy's: RANGE in ms, ROWS in rows", () => {
    const app = check(`SELECT STREAM AVG(PRICE) OVER W1, FIRST_VALUE(PRICE) OVER R1 FROM SOURCE_SQL_STREAM_001
      WINDOW W1 AS (PARTITION BY TICKER RANGE INTERVAL '1' HOUR PRECEDING), R1 AS (ROWS 1 PRECEDING)`);
    const select = app.queries[0]!;
    if (select.kind !== "select") throw new Error("not a select");
    expect(select.windows.get("W1")?.frame).toEqual({ range: 3_600_000 });
    expect(select.windows.get("R1")?.frame).toEqual({ rows: 1 });
  });

  it.each([
    [
      "SELECT STREAM TICKER FROM NOPE",
      1,
      27,
      "unknown stream NOPE; the application has SOURCE_SQL_STREAM_001",
    ],
    [
      "CREATE STREAM error_stream (A INT)",
      1,
      15,
      "ERROR_STREAM is reserved for the error stream; name the stream otherwise",
    ],
    [
      `${DEST}CREATE PUMP P AS INSERT INTO DEST SELECT STREAM PRICE, TICKER FROM SOURCE_SQL_STREAM_001`,
      2,
      49,
      "column 1 of the query (PRICE, REAL) cannot go into TICKER VARCHAR(4) of DEST; CAST it",
    ],
    [
      `${DEST}CREATE PUMP P AS INSERT INTO DEST SELECT STREAM TICKER FROM SOURCE_SQL_STREAM_001`,
      2,
      35,
      "the query gives 1 column but the INSERT into DEST takes 2",
    ],
    [
      `${DEST}CREATE PUMP P AS INSERT INTO OTHER SELECT STREAM TICKER FROM SOURCE_SQL_STREAM_001`,
      2,
      30,
      "INSERT INTO OTHER: no such stream; create it with CREATE OR REPLACE STREAM first",
    ],
    [
      "SELECT STREAM TICKER, COUNT(*) FROM SOURCE_SQL_STREAM_001 GROUP BY TICKER",
      1,
      68,
      "a streaming GROUP BY needs a monotonic expression such as STEP(s.ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(s.ROWTIME TO MINUTE), else its groups never close",
    ],
    [
      "SELECT STREAM PRICE, COUNT(*) FROM SOURCE_SQL_STREAM_001 GROUP BY FLOOR(ROWTIME TO MINUTE)",
      1,
      15,
      "PRICE must be a GROUP BY (or PARTITION BY) expression or inside an aggregate",
    ],
    [
      "SELECT STREAM COUNT(*) FROM SOURCE_SQL_STREAM_001 GROUP BY FLOOR(ROWTIME TO MINUTE), STEP(ROWTIME BY INTERVAL '1' HOUR)",
      1,
      86,
      "a GROUP BY may use only one ROWTIME column",
    ],
    [
      "SELECT STREAM AVG(PRICE) OVER (ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM SOURCE_SQL_STREAM_001",
      1,
      32,
      "a window frame must end at CURRENT ROW (KDA allows no offset or FOLLOWING windows)",
    ],
    [
      "SELECT STREAM TICKER FROM SOURCE_SQL_STREAM_001 ORDER BY TICKER",
      1,
      58,
      "a streaming ORDER BY must start with a monotonic time expression such as FLOOR(s.ROWTIME TO MINUTE), or use ORDER BY ... WITHIN",
    ],
    [
      "SELECT STREAM * FROM error_stream",
      1,
      22,
      "SQL cannot read error_stream; deliver it with an output instead",
    ],
  ])("refuses %j at line %i, column %i", (sql, line, column, reason) => {
    expect(refusal(sql)).toMatchObject({ name: "SqlCheckError", line, column, reason });
  });
});
