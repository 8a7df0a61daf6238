/**
 * Built-in function costs, each against a baseline in the same run, runs interleaved, medians:
 * - LIKE and CHAR_TO_TIMESTAMP prepared once per call site (the planner's path) against the same
 *   call compiled per row (what a naive evaluator does);
 * - SQL AVG over a 1,000-row sliding frame with 10% NULLs (the NULL-skipping adapter around core's
 *   running sum) against core's own `avg` sliding form on the same numbers without NULLs.
 *
 *   npx tsx packages/sql/bench/functions-throughput.ts
 */
import { avg } from "@eddy/core";
import { formatRate, median, RUNS, settle, timed } from "../../../bench/support.ts";
import type { ScalarSqlFunction } from "../src/functions/function-contract.ts";
import { builtinFunctions } from "../src/functions/registry.ts";
import type { SqlValue } from "../src/types/sql-value.ts";

const N = 1_000_000;
const CONTEXT = { rowtime: 0, queryStart: Date.UTC(2026, 0, 1) };
const functions = builtinFunctions();
const scalar = (name: string) => functions.get(name) as ScalarSqlFunction;
const VARCHAR = { name: "VARCHAR", length: 64, nullable: true } as const;

const words = Array.from({ length: 1024 }, (_, i) => `user-${i}-${(i * 7919).toString(36)}@example.com`);
const stamps = Array.from(
  { length: 1024 },
  (_, i) => `2024-03-${String((i % 28) + 1).padStart(2, "0")} 10:${String(i % 60).padStart(2, "0")}:00`,
);

function prepared(name: string, literal: string): (value: string) => SqlValue {
  const f = scalar(name);
  const args =
    name === "LIKE"
      ? [{ type: VARCHAR }, { type: VARCHAR, literal }]
      : [{ type: VARCHAR, literal }, { type: VARCHAR }];
  const body = f.prepare!(args);
  const values: SqlValue[] = ["", ""];
  return name === "LIKE"
    ? (value) => {
        values[0] = value;
        values[1] = literal;
        return body(values, CONTEXT);
      }
    : (value) => {
        values[0] = literal;
        values[1] = value;
        return body(values, CONTEXT);
      };
}

function perRow(name: string, literal: string): (value: string) => SqlValue {
  const f = scalar(name);
  return name === "LIKE"
    ? (value) => f.evaluate([value, literal], CONTEXT)
    : (value) => f.evaluate([literal, value], CONTEXT);
}

async function compare(
  label: string,
  inputs: readonly string[],
  a: (v: string) => SqlValue,
  b: (v: string) => SqlValue,
  n: number,
) {
  const times: [number[], number[]] = [[], []];
  for (let run = 0; run < RUNS; run++) {
    for (const [i, fn] of [a, b].entries()) {
      await settle();
      const { cpuMs, ms } = await timed(() => {
        let hits = 0;
        for (let k = 0; k < n; k++) if (fn(inputs[k & 1023]!) !== null) hits++;
        return hits;
      });
      times[i as 0 | 1].push(Number.isNaN(cpuMs) ? ms : cpuMs);
    }
  }
  const [ta, tb] = [median(times[0]), median(times[1])];
  console.log(
    `${label}: prepared ${formatRate((n / ta) * 1000)}, compiled per row ${formatRate((n / tb) * 1000)}, ratio ${(tb / ta).toFixed(1)}×`,
  );
}

async function slidingAvg() {
  // Four times the rows: a run must span many of /proc's 10 ms CPU-time ticks.
  const N = 4_000_000;
  const values = Array.from({ length: N }, (_, i) => (i % 10 === 0 ? null : (i % 997) * 0.5));
  const rows = values.map((v) => [v]);
  const sql = functions.get("AVG");
  if (sql?.kind !== "aggregate") throw new Error("AVG");
  const options = { distinct: false, star: false, nulls: "respect" } as const;
  const sqlAvg = sql.create([{ type: { name: "DOUBLE", nullable: true } }], options);
  const coreAvg = avg((x: number) => x);
  const numbers = values.map((v) => v ?? 0);
  const times: [number[], number[]] = [[], []];
  for (let run = 0; run < RUNS; run++) {
    await settle();
    times[0].push(
      (
        await timed(() => {
          const s = sqlAvg.sliding!();
          let last: SqlValue = null;
          for (let i = 0; i < N; i++) {
            s.push(rows[i]!);
            if (i >= 1000) s.evictOldest();
            last = s.result();
          }
          return last;
        })
      ).cpuMs,
    );
    await settle();
    times[1].push(
      (
        await timed(() => {
          const s = coreAvg.sliding!();
          let last = 0;
          for (let i = 0; i < N; i++) {
            s.push(numbers[i]!);
            if (i >= 1000) s.evictOldest();
            last = s.result();
          }
          return last;
        })
      ).cpuMs,
    );
  }
  const [tsql, tcore] = [median(times[0]), median(times[1])];
  console.log(
    `AVG over a 1,000-row frame: SQL (NULLs skipped) ${formatRate((N / tsql) * 1000)}, core avg ${formatRate((N / tcore) * 1000)}, ratio ${(tsql / tcore).toFixed(2)}×`,
  );
}

await compare(
  "LIKE '%-1_-%@example.com'",
  words,
  prepared("LIKE", "%-1_-%@example.com"),
  perRow("LIKE", "%-1_-%@example.com"),
  N,
);
await compare(
  "CHAR_TO_TIMESTAMP('yyyy-MM-dd HH:mm:ss', s)",
  stamps,
  prepared("CHAR_TO_TIMESTAMP", "yyyy-MM-dd HH:mm:ss"),
  perRow("CHAR_TO_TIMESTAMP", "yyyy-MM-dd HH:mm:ss"),
  N / 4,
);
await slidingAvg();
