import { describe, expect, it } from "vitest";
import { readApplicationDescription } from "../application/application-description.ts";
import { planSqlApplication } from "../application/plan-sql-application.ts";
import { compileSql } from "../planner/compile-sql.ts";
import { explainPlan } from "./explain-plan.ts";

const description = {
  ApplicationDetail: {
    ApplicationName: "tickers",
    ApplicationARN: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/tickers",
    InputDescriptions: [
      {
        NamePrefix: "SOURCE_SQL_STREAM",
        KinesisStreamsInputDescription: {
          ResourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/ticks",
          RoleARN: "arn:aws:iam::1:role/r",
        },
        InputSchema: {
          RecordColumns: [
            { Name: "TICKER", SqlType: "VARCHAR(4)", Mapping: "$.ticker" },
            { Name: "PRICE", SqlType: "REAL", Mapping: "$.price" },
          ],
          RecordFormat: {
            RecordFormatType: "JSON",
            MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } },
          },
        },
        InputParallelism: { Count: 2 },
      },
    ],
    OutputDescriptions: [],
    ReferenceDataSourceDescriptions: [],
  },
};

const sql = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), N BIGINT, TOP REAL);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER, COUNT(*), MAX(PRICE) FROM "SOURCE_SQL_STREAM_002"
  GROUP BY TICKER, STEP("SOURCE_SQL_STREAM_002".ROWTIME BY INTERVAL '1' MINUTE);
SELECT STREAM TICKER, AVG(PRICE) OVER (PARTITION BY TICKER RANGE INTERVAL '1' HOUR PRECEDING) AS MEAN
  FROM "SOURCE_SQL_STREAM_001";
`;

describe("explainPlan", () => {
  it("prints the inputs of the description's parallelism and each pump and query as an indented tree with windows and columns", () => {
    const plan = planSqlApplication(readApplicationDescription(description), sql, { queryStart: 0 });
    expect(explainPlan(plan).split("\n")).toEqual([
      "input SOURCE_SQL_STREAM_001 (TICKER VARCHAR(4), PRICE REAL, APPROXIMATE_ARRIVAL_TIME TIMESTAMP) ROWTIME = arrival time",
      "input SOURCE_SQL_STREAM_002 (TICKER VARCHAR(4), PRICE REAL, APPROXIMATE_ARRIVAL_TIME TIMESTAMP) ROWTIME = arrival time",
      "pump P into DESTINATION_SQL_STREAM",
      "  project (TICKER VARCHAR(4), EXPR$1 BIGINT, EXPR$2 REAL)",
      "    tumbling-aggregate window tumbling 1min by 2 keys: COUNT, MAX (KEY$0 VARCHAR(4), KEY$1 TIMESTAMP, AGG$0 BIGINT, AGG$1 REAL)",
      "      scan SOURCE_SQL_STREAM_002 (TICKER VARCHAR(4), PRICE REAL, APPROXIMATE_ARRIVAL_TIME TIMESTAMP)",
      "query",
      "  project (TICKER VARCHAR(4), MEAN REAL)",
      "    over [window RANGE 1h PRECEDING partition by 1: AVG] (TICKER VARCHAR(4), PRICE REAL, APPROXIMATE_ARRIVAL_TIME TIMESTAMP, OVER$0 REAL)",
      "      scan SOURCE_SQL_STREAM_001 (TICKER VARCHAR(4), PRICE REAL, APPROXIMATE_ARRIVAL_TIME TIMESTAMP)",
    ]);
  });

  it("says which key closes a GROUP BY without ROWTIME buckets", () => {
    const plan = compileSql("SELECT STREAM K, COUNT(*) FROM S GROUP BY K, MONOTONIC(V)", {
      inputs: { S: { K: "VARCHAR(1)", V: "INTEGER" } },
      referenceTables: {},
    });
    expect(explainPlan(plan).split("\n")[3]).toBe(
      "    tumbling-aggregate closed when key 2 changes by 2 keys: COUNT (KEY$0 VARCHAR(1), KEY$1 INTEGER, AGG$0 BIGINT)",
    );
  });

  it("names reference tables and table joins", () => {
    const plan = compileSql(
      `SELECT STREAM S.TICKER, C.NAME FROM S JOIN COMPANIES AS C ON S.TICKER = C.TICKER`,
      {
        inputs: { S: { TICKER: "VARCHAR(4)" } },
        referenceTables: { COMPANIES: { TICKER: "VARCHAR(4)", NAME: "VARCHAR(32)" } },
        queryStart: 0,
      },
    );
    const lines = explainPlan(plan).split("\n");
    expect(lines[1]).toBe("reference table COMPANIES (TICKER VARCHAR(4), NAME VARCHAR(32))");
    expect(lines.some((l) => /^ {4}table-join inner COMPANIES \(/.test(l))).toBe(true);
  });
});
