import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEddySql } from "./run-eddy-sql.ts";

const SQL = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (SENSOR VARCHAR(8), HOTTEST DOUBLE);
CREATE OR REPLACE PUMP "HOT" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM SENSOR, MAX(CELSIUS) FROM "READINGS_001"
  GROUP BY SENSOR, FLOOR("READINGS_001".ROWTIME TO MINUTE);
`;

function description(code?: string) {
  return {
    ApplicationDetail: {
      ApplicationName: "sensors",
      ApplicationARN: "arn:aws:kinesisanalytics:eu-west-1:123456789012:application/sensors",
      ...(code === undefined ? {} : { ApplicationCode: code }),
      InputDescriptions: [
        {
          NamePrefix: "READINGS",
          KinesisStreamsInputDescription: {
            ResourceARN: "arn:aws:kinesis:eu-west-1:123456789012:stream/readings",
          },
          InputSchema: {
            RecordColumns: [
              { Name: "SENSOR", SqlType: "VARCHAR(8)" },
              { Name: "CELSIUS", SqlType: "DOUBLE" },
            ],
            RecordFormat: {
              RecordFormatType: "CSV",
              MappingParameters: {
                CSVMappingParameters: { RecordColumnDelimiter: ",", RecordRowDelimiter: "\n" },
              },
            },
          },
        },
      ],
    },
  };
}

let dir: string;
const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEddySql(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(""), err: err.join("") };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eddy-sql-explain-"));
  await writeFile(join(dir, "app.sql"), SQL);
  await writeFile(join(dir, "bad.sql"), SQL.replace("MAX(CELSIUS)", "MAX(FAHRENHEIT)"));
  await writeFile(join(dir, "describe.json"), JSON.stringify(description()));
  await writeFile(join(dir, "with-code.json"), JSON.stringify(description(SQL)));
  await writeFile(join(dir, "not-kda.json"), JSON.stringify({ ApplicationDetail: { ApplicationName: 7 } }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("eddy-sql explain", () => {
  const expected = [
    "input READINGS_001 (SENSOR VARCHAR(8), CELSIUS DOUBLE, APPROXIMATE_ARRIVAL_TIME TIMESTAMP) ROWTIME = arrival time",
    "pump HOT into DESTINATION_SQL_STREAM",
    "  project (SENSOR VARCHAR(8), EXPR$1 DOUBLE)",
    "    tumbling-aggregate window tumbling 1min by 2 keys: MAX (KEY$0 VARCHAR(8), KEY$1 TIMESTAMP, AGG$0 DOUBLE)",
    "      scan READINGS_001 (SENSOR VARCHAR(8), CELSIUS DOUBLE, APPROXIMATE_ARRIVAL_TIME TIMESTAMP)",
    "",
  ].join("\n");

  it("prints the plan of the SQL file against the description's input, without running anything", async () => {
    const result = await run(
      "explain",
      "--application",
      join(dir, "describe.json"),
      "--sql",
      join(dir, "app.sql"),
    );
    expect(result).toEqual({ code: 0, out: expected, err: "" });
  });

  it("reads the SQL from the description's ApplicationCode when no SQL file is given", async () => {
    const result = await run("explain", "--application", join(dir, "with-code.json"));
    expect(result).toEqual({ code: 0, out: expected, err: "" });
  });

  it("explains VALUES rows that read the query's start time", async () => {
    const values = `${SQL}CREATE OR REPLACE STREAM "STARTED" (AT_START TIMESTAMP);
CREATE OR REPLACE PUMP "START" AS INSERT INTO "STARTED" SELECT STREAM * FROM (VALUES (CURRENT_TIMESTAMP)) AS T (AT_START);
`;
    await writeFile(join(dir, "values.sql"), values);
    const result = await run(
      "explain",
      "--application",
      join(dir, "describe.json"),
      "--sql",
      join(dir, "values.sql"),
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain("pump START into STARTED");
  });

  it("says in one line, exit code 2, where the SQL or the description is wrong", async () => {
    const bad = await run(
      "explain",
      "--application",
      join(dir, "describe.json"),
      "--sql",
      join(dir, "bad.sql"),
    );
    expect(bad.code).toBe(2);
    expect(bad.out).toBe("");
    expect(bad.err).toMatch(new RegExp(`^eddy-sql: ${join(dir, "bad.sql")}:3:\\d+: .*FAHRENHEIT.*\\n$`));

    const noCode = await run("explain", "--application", join(dir, "describe.json"));
    expect(noCode).toEqual({
      code: 2,
      out: "",
      err: `eddy-sql: --application ${join(dir, "describe.json")} has no ApplicationCode: give the SQL with --sql FILE\n`,
    });

    const notKda = await run("explain", "--application", join(dir, "not-kda.json"));
    expect(notKda.code).toBe(2);
    expect(notKda.err).toMatch(
      /^eddy-sql: --application .*not-kda\.json: ApplicationDetail\.ApplicationName: .*\n$/,
    );

    const noApplication = await run("explain", "--sql", join(dir, "app.sql"));
    expect(noApplication).toEqual({
      code: 2,
      out: "",
      err: "eddy-sql: required option '-a, --application <file>' not specified (see eddy-sql explain --help)\n",
    });

    const missing = await run("explain", "--application", join(dir, "nope.json"));
    expect(missing).toEqual({
      code: 2,
      out: "",
      err: `eddy-sql: --application ${join(dir, "nope.json")}: no such file\n`,
    });
  });

  it("prints the equivalent TypeScript DSL program with --typescript", async () => {
    const result = await run("explain", "--application", join(dir, "with-code.json"), "--typescript");
    expect(result.code).toBe(0);
    expect(result.err).toBe("");
    expect(result.out).toContain('const job = pipeline("sensors");');
    expect(result.out).toContain("declare const readings001Source: Source<Readings001Row>;");
    expect(result.out).toContain(".window(tumbling(ms(60000)))");
    expect(result.out).toContain("agg0: max((r: Readings001Row) => r.CELSIUS!)");
    expect(result.out).toContain("SENSOR: w.value.key0,");
    expect(result.out).not.toContain("input READINGS_001");
  });
});
