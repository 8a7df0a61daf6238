/**
 * What a compiled SQL projection costs per row, against a hand-written TypeScript projection of
 * the same row in the same run (runs interleaved, medians of CPU time): the scalar part of the FX
 * query's select list over the row its windows produce — symbol, timestamp, price, min, max, avg,
 * previous price — with the change, a CASE on the average and a LIKE filter.
 *
 *   npx tsx packages/sql/bench/expression-projection.ts
 */
import { formatRate, median, RUNS, settle, timed } from "../../../bench/support.ts";
import { ExpressionChecker, type Scope } from "../src/check/check-expression.ts";
import { compileExpression } from "../src/expressions/compile-expression.ts";
import { builtinFunctions } from "../src/functions/registry.ts";
import type { SqlRow } from "../src/plan/logical-plan.ts";
import { parseSqlExpression } from "../src/syntax/parse.ts";
import type { SqlType } from "../src/types/sql-type.ts";
import type { SqlValue } from "../src/types/sql-value.ts";

const N = 2_000_000;
const CONTEXT = { rowtime: 0, queryStart: Date.UTC(2026, 0, 1) };
const double: SqlType = { name: "DOUBLE", nullable: true };
const columns: [string, SqlType][] = [
  ["symbol", { name: "VARCHAR", length: 8, nullable: true }],
  ["timestamp", { name: "BIGINT", nullable: true }],
  ["price", double],
  ["MIN_PRICE", double],
  ["MAX_PRICE", double],
  ["AVG_PRICE", double],
  ["PREVIOUS_PRICE", double],
];
const scope: Scope = {
  columns: columns.map(([name, type], index) => ({ name, type, index })),
  qualifiers: [],
  aggregates: false,
  windows: [],
};
const SELECT = [
  `"symbol"`,
  `"timestamp"`,
  `"price"`,
  `"price" - PREVIOUS_PRICE`,
  `(MAX_PRICE - MIN_PRICE) / AVG_PRICE`,
  `CASE WHEN "price" > AVG_PRICE THEN 'UP' WHEN "price" < AVG_PRICE THEN 'DOWN' ELSE 'FLAT' END`,
];
const WHERE = `"symbol" LIKE 'EUR%' AND PREVIOUS_PRICE IS NOT NULL`;

const functions = builtinFunctions();
const compile = (text: string) =>
  compileExpression(new ExpressionChecker(text, functions).check(parseSqlExpression(text), scope));
const projection = SELECT.map(compile);
const filter = compile(WHERE);

function sqlProjection(row: SqlRow, rowtime: number): SqlRow | undefined {
  if (filter.evaluate(row, rowtime, CONTEXT) !== true) return undefined;
  const out: SqlValue[] = new Array(projection.length);
  for (let i = 0; i < projection.length; i++) out[i] = projection[i]!.evaluate(row, rowtime, CONTEXT);
  return out;
}

// The same projection written by hand, NULL checks included: the baseline.
function handProjection(row: SqlRow): SqlRow | undefined {
  const symbol = row[0] as string | null;
  const price = row[2] as number | null;
  const min = row[3] as number | null;
  const max = row[4] as number | null;
  const avg = row[5] as number | null;
  const previous = row[6] as number | null;
  if (symbol === null || !symbol.startsWith("EUR") || previous === null) return undefined;
  const trend = price === null || avg === null ? "FLAT" : price > avg ? "UP" : price < avg ? "DOWN" : "FLAT";
  return [
    symbol,
    row[1] ?? null,
    price,
    price === null ? null : price - previous,
    max === null || min === null || avg === null ? null : (max - min) / avg,
    trend,
  ];
}

const SYMBOLS = ["EURUSD", "EURGBP", "GBPUSD", "USDJPY"];
const rows: SqlRow[] = Array.from({ length: 4096 }, (_, i) => {
  const price = 1 + (i % 97) / 1000;
  return [
    SYMBOLS[i % 4]!,
    1_700_000_000_000 + i,
    price,
    price - 0.01,
    price + 0.01,
    price,
    i % 50 ? price - 0.001 : null,
  ];
});

// The two must agree before they are timed.
for (const row of rows) {
  const [a, b] = [sqlProjection(row, 0), handProjection(row)];
  if (JSON.stringify(a) !== JSON.stringify(b))
    throw new Error(`projections differ: ${JSON.stringify([a, b])}`);
}

const times: [number[], number[]] = [[], []];
for (let run = 0; run < RUNS; run++) {
  for (const [i, project] of [sqlProjection, handProjection].entries()) {
    await settle();
    const { cpuMs, ms } = await timed(() => {
      let kept = 0;
      for (let k = 0; k < N; k++) if (project(rows[k & 4095]!, k) !== undefined) kept++;
      return kept;
    });
    times[i as 0 | 1].push(Number.isNaN(cpuMs) ? ms : cpuMs);
  }
}
const [sql, hand] = [median(times[0]), median(times[1])];
console.log(
  `FX projection (${SELECT.length} columns + filter): compiled SQL ${formatRate((N / sql) * 1000)} (${((sql * 1e6) / N).toFixed(0)} ns/row), hand-written ${formatRate((N / hand) * 1000)} (${((hand * 1e6) / N).toFixed(0)} ns/row), SQL/hand ${(hand / sql).toFixed(2)}×`,
);
