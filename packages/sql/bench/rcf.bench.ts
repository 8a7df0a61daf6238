/**
 * Throughput of RANDOM_CUT_FOREST's table-function instance (score, then learn, each row) with AWS's
 * defaults (100 trees, samples of 256, timeDecay 100,000), on a noisy sine: one numeric column, five
 * columns, one column shingled by 4, and RANDOM_CUT_FOREST_WITH_EXPLANATION on five columns. Rows
 * are pushed straight into the instance (no pipeline), after a warm-up of WARMUP rows that fills the
 * samples; figures are medians of RUNS runs of ROWS rows, with each configuration's ratio to the
 * one-column default measured in the same run, per second of CPU time (the steadier figure on a
 * shared machine) and of wall time. Prints; never fails on time.
 *
 *   ./node_modules/.bin/tsx packages/sql/bench/rcf.bench.ts [rows] [runs]
 */

import { timed } from "../../../bench/support.ts";
import { randomCutForest, randomCutForestWithExplanation } from "../src/functions/table/random-cut-forest.ts";
import { SeededRandom } from "../src/functions/table/seeded-random.ts";
import { column, literals } from "../src/functions/table/table-test-support.ts";
import type { TableSqlFunction } from "../src/index.ts";
import type { SqlValue } from "../src/types/sql-value.ts";

const ROWS = Number(process.argv[2] ?? 20_000);
const RUNS = Math.max(3, Number(process.argv[3] ?? 5));
const WARMUP = 2_000;

interface Configuration {
  readonly name: string;
  readonly fn: TableSqlFunction;
  readonly columns: number;
  readonly args: ReturnType<typeof literals>;
}

const configurations: Configuration[] = [
  { name: "1 column", fn: randomCutForest(), columns: 1, args: [] },
  { name: "5 columns", fn: randomCutForest(), columns: 5, args: [] },
  {
    name: "1 column, shingleSize 4",
    fn: randomCutForest(),
    columns: 1,
    args: literals(100, 256, 100_000, 4),
  },
  {
    name: "5 columns, with explanation",
    fn: randomCutForestWithExplanation(),
    columns: 5,
    args: literals(100, 256, 100_000, 1, true),
  },
];

function rows(count: number, columns: number, seed: number): Record<string, SqlValue>[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const row: Record<string, SqlValue> = {};
    for (let c = 0; c < columns; c++)
      row[`C${c}`] = 10 * Math.sin((2 * Math.PI * i) / (40 + c)) + random.next();
    return row;
  });
}

/** Rows per second of wall time and of the main thread's CPU time (steadier on a shared machine). */
async function rowsPerSecond(configuration: Configuration): Promise<{ wall: number; cpu: number }> {
  const input = Array.from({ length: configuration.columns }, (_, c) => column(`C${c}`, "DOUBLE"));
  const instance = configuration.fn.create(input, configuration.args);
  const data = rows(WARMUP + ROWS, configuration.columns, 1);
  let sink = 0;
  const emit = (row: Readonly<Record<string, SqlValue>>): void => {
    sink += row.ANOMALY_SCORE as number;
  };
  for (let i = 0; i < WARMUP; i++) instance.push(data[i]!, i, emit);
  const { ms, cpuMs } = await timed(() => {
    for (let i = WARMUP; i < data.length; i++) instance.push(data[i]!, i, emit);
  });
  if (Number.isNaN(sink)) throw new Error("scores must be numbers");
  return { wall: ROWS / (ms / 1000), cpu: ROWS / (cpuMs / 1000) };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const results = new Map<string, { wall: number; cpu: number }[]>(configurations.map((c) => [c.name, []]));
// Interleaved: each run measures every configuration, so load on the shared machine hits all alike.
for (let run = 0; run < RUNS; run++) {
  for (const configuration of configurations)
    results.get(configuration.name)!.push(await rowsPerSecond(configuration));
}
const rate = (name: string, clock: "wall" | "cpu"): number => median(results.get(name)!.map((r) => r[clock]));
const baseline = rate(configurations[0]!.name, "cpu");
console.log(
  `RANDOM_CUT_FOREST, 100 trees × 256 samples, ${ROWS} rows after ${WARMUP} warm-up, median of ${RUNS}:`,
);
for (const { name } of configurations) {
  console.log(
    `  ${name.padEnd(30)} ${(rate(name, "cpu") / 1000).toFixed(1).padStart(7)}k rows/s of CPU, ${(rate(name, "wall") / 1000).toFixed(1).padStart(7)}k of wall time  (${(rate(name, "cpu") / baseline).toFixed(2)}× the 1-column default)`,
  );
}
