import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { compileSql } from "../planner/compile-sql.ts";
import { sqlHarness } from "../testing/sql-harness.ts";
import { explainTypeScript } from "./explain-typescript.ts";

const root = resolve(import.meta.dirname, "../../../..");
const dir = mkdtempSync(join(tmpdir(), "eddy-explain-ts-"));
writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Type-checks printed programs against @eddy/core's sources, as scripts/examples does. */
function diagnostics(programs: Record<string, string>): string[] {
  const configPath = join(root, "tsconfig.base.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  const files = Object.entries(programs).map(([name, text]) => {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, text);
    return file;
  });
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    baseUrl: root,
    paths: { "@eddy/core": [join(root, "packages/core/src/index.ts")] },
  };
  const program = ts.createProgram({ rootNames: files, options });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.includes(resolve(d.file.fileName)))
    .map((d) => `${d.file?.fileName}:${d.start}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

const ticks = { TICKER: "VARCHAR(4)", PRICE: "REAL", VOLUME: "INTEGER" };

const fxSql = readFileSync(join(root, "apps/fx-pricing/src/fx-query.sql"), "utf8");
const fx = explainTypeScript(
  compileSql(fxSql, {
    inputs: { SOURCE_SQL_STREAM_001: { symbol: "VARCHAR(8)", timestamp: "BIGINT", price: "DOUBLE" } },
    referenceTables: {},
  }),
  fxSql,
  "fx-pricing",
);

const stepSql = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), WINDOW_START TIMESTAMP, N BIGINT, TOP REAL, TOTAL DOUBLE);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER, STEP("S".ROWTIME BY INTERVAL '1' MINUTE), COUNT(*), MAX(PRICE), SUM(PRICE * VOLUME) FROM "S"
  GROUP BY TICKER, STEP("S".ROWTIME BY INTERVAL '1' MINUTE);`;
const step = explainTypeScript(compileSql(stepSql, { inputs: { S: ticks }, referenceTables: {} }), stepSql);

const projectionSql = `
CREATE OR REPLACE STREAM "OUT" (TICKER VARCHAR(4), LABEL VARCHAR(16), COST DOUBLE, BAND INTEGER, HALF INTEGER);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
  SELECT STREAM LOWER(TICKER), TICKER || '-x', CAST(PRICE * VOLUME AS DOUBLE),
    CASE WHEN PRICE > 100 THEN 2 WHEN PRICE BETWEEN 10 AND 100 THEN 1 ELSE 0 END,
    VOLUME / 2
  FROM "S" WHERE TICKER IN ('AMZN', 'AAPL') AND VOLUME IS NOT NULL AND NOT (PRICE < 0);`;
const projection = explainTypeScript(
  compileSql(projectionSql, { inputs: { S: ticks }, referenceTables: {} }),
  projectionSql,
);

const unsupportedSql = `
CREATE OR REPLACE STREAM "OUT" (TICKER VARCHAR(4), PADDED VARCHAR(8));
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
  SELECT STREAM TICKER, REGEX_REPLACE(TICKER, 'A', 'B', 1, 0) FROM "S";
CREATE OR REPLACE STREAM "SORTED" (TICKER VARCHAR(4), PRICE REAL);
CREATE OR REPLACE PUMP "Q" AS INSERT INTO "SORTED"
  SELECT STREAM TICKER, PRICE FROM "S" ORDER BY FLOOR("S".ROWTIME TO MINUTE), PRICE;`;
const unsupported = explainTypeScript(
  compileSql(unsupportedSql, { inputs: { S: ticks }, referenceTables: {} }),
  unsupportedSql,
);

describe("explainTypeScript", () => {
  it("prints programs that type-check against @eddy/core", () => {
    expect(diagnostics({ fx, step, projection, unsupported })).toEqual([]);
  }, 120_000);

  it("prints the FX query's two OVER windows as keyBy + over chains", () => {
    expect(fx).toContain("interface SourceSqlStream001Row {");
    expect(fx).toContain("declare const sourceSqlStream001Source: Source<SourceSqlStream001Row>;");
    expect(fx).toContain(".withWatermarks(monotonous())");
    expect(fx).toContain(".over({ range: ms(3600000) })");
    expect(fx).toContain(
      "over0: min((r) => r.price!), over1: max((r) => r.price!), over2: avg((r) => r.price!)",
    );
    expect(fx).toContain(".over({ rows: 1 })");
    expect(fx).toContain("CHANGE: (r.price! - r.over4),");
    expect(fx).toContain('const job = pipeline("fx-pricing");');
  });

  it("prints GROUP BY STEP as keyBy + window(tumbling(...)) + aggregates", () => {
    expect(step).toContain(".keyBy((r) => JSON.stringify(r.TICKER))");
    expect(step).toContain(".window(tumbling(ms(60000)))");
    expect(step).toContain("agg0: count()");
    expect(step).toContain("agg2: sum((r: SRow) => (r.PRICE! * r.VOLUME!))");
    expect(step).toContain("WINDOW_START: w.window.start,");
    expect(step).toContain("TICKER: w.value.key0,");
  });

  it("translates filters and projections into TypeScript expressions", () => {
    expect(step).not.toContain("TODO");
    expect(projection).toContain(
      '.filter((r, rowtime) => ((["AMZN", "AAPL"].includes(r.TICKER!) && (r.VOLUME !== null)) && !(r.PRICE! < 0)))',
    );
    expect(projection).toContain("TICKER: r.TICKER!.toLowerCase(),");
    expect(projection).toContain('LABEL: (r.TICKER! + "-x"),');
    expect(projection).toContain("COST: Number((r.PRICE! * r.VOLUME!)),");
    expect(projection).toContain(
      "BAND: ((r.PRICE! > 100) ? 2 : ((r.PRICE! >= 10 && r.PRICE! <= 100) ? 1 : 0)),",
    );
  });

  it("names what it cannot translate in a TODO and keeps the code compiling", () => {
    expect(unsupported).toContain(
      "// TODO(eddy-sql): function REGEX_REPLACE has no TypeScript equivalent here",
    );
    expect(unsupported).toContain("PADDED: null as never,");
    expect(unsupported).toContain(
      "// TODO(eddy-sql): ORDER BY has no clean DSL equivalent; write this pump by hand.",
    );
    expect(unsupported).toContain("declare const sortedQ: DataStream<SortedRow>;");
  });

  it("prints a projection program that, run, gives the rows sqlHarness gives", async () => {
    const rows = [
      { TICKER: "AMZN", PRICE: 101.5, VOLUME: 3 },
      { TICKER: "AAPL", PRICE: 12.25, VOLUME: 4 },
      { TICKER: "MSFT", PRICE: 50, VOLUME: 1 },
      { TICKER: "AAPL", PRICE: 5, VOLUME: null },
      { TICKER: "AAPL", PRICE: -3, VOLUME: 2 },
      { TICKER: "AMZN", PRICE: 7.5, VOLUME: 2 },
    ];
    const harness = await sqlHarness(projectionSql, { compile: compileSql, inputs: { S: ticks } });
    for (const [i, row] of rows.entries()) await harness.push("S", row, 1000 + i);
    await harness.finish();

    // The printed program with the sample rows as its source and a collecting sink as its output.
    const runnable = projection
      .replace('} from "@eddy/core";', ', collectSink, fromIterable } from "@eddy/core";')
      .replace(
        /declare const sSource: Source<SRow>;.*\n/,
        `const sSource = fromIterable<SRow>(${JSON.stringify(rows)}, { timestampOf: () => 1000 });\n`,
      )
      .replace(
        /declare const outSink: Sink<OutRow>;.*\n/,
        "const collected = collectSink<OutRow>();\nconst outSink = collected.sink;\n",
      )
      .concat("export const result = collected.records().map((r) => r.value);\n");
    expect(runnable).toContain("fromIterable<SRow>(");
    expect(runnable).toContain("const outSink = collected.sink;");
    // Beside the sources, so that "@eddy/core" resolves as it does for @eddy/sql.
    const file = join(import.meta.dirname, `.printed-${randomUUID()}.ts`);
    writeFileSync(file, runnable);
    try {
      const { result } = (await import(file)) as { result: unknown[] };
      // ROWTIME is the harness's system column; the program keeps it as the record's timestamp.
      expect(result).toEqual(harness.rows("OUT").map(({ ROWTIME: _, ...row }) => row));
      expect(result).toHaveLength(3);
    } finally {
      rmSync(file, { force: true });
    }
  }, 60_000);
});
