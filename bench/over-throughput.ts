/**
 * Per-record rolling aggregates, Kinesis Data Analytics style: `over({ range: hours(1) })` with
 * min/max/avg/count/sum per symbol on 10M in-order FX ticks over 20 symbols, 100 ticks/s of event
 * time (5 per symbol per second), so a one-hour frame holds about 18 000 ticks per symbol.
 * Prints events/s of the Eddy pipeline and of a hand-written O(1) loop (running sums and monotonic
 * deques) on the same batches, and checks both agree.
 *
 *   pnpm bench over
 */
import { hours, monotonous, pipeline, type Sink, silentLogger, stats } from "@eddy/core";
import { fxTicks, type Tick } from "./data.ts";
import { formatRate, median, RUNS, settle, timed } from "./support.ts";
import { batchSource } from "./window-throughput.ts";

const TICKS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const SYMBOLS = 20;
const RANGE = hours(1);
const BATCH = 1_000;
const TICK_EVERY_MS = 10;

interface Totals {
  results: number;
  checksum: number;
}

/** Per symbol: a deque of the frame's ticks, a running sum, and monotonic deques for min and max. */
export function handWritten(batches: readonly Tick[][]): Totals {
  interface Frame {
    ts: number[];
    prices: number[];
    head: number;
    sum: number;
    mins: number[];
    minHead: number;
    maxs: number[];
    maxHead: number;
  }
  const frames = new Map<string, Frame>();
  const totals: Totals = { results: 0, checksum: 0 };
  for (const batch of batches) {
    for (let i = 0; i < batch.length; i++) {
      const t = batch[i]!;
      let f = frames.get(t.symbol);
      if (!f) {
        f = { ts: [], prices: [], head: 0, sum: 0, mins: [], minHead: 0, maxs: [], maxHead: 0 };
        frames.set(t.symbol, f);
      }
      f.ts.push(t.ts);
      f.prices.push(t.price);
      f.sum += t.price;
      while (f.mins.length > f.minHead && f.mins.at(-1)! > t.price) f.mins.pop();
      f.mins.push(t.price);
      while (f.maxs.length > f.maxHead && f.maxs.at(-1)! < t.price) f.maxs.pop();
      f.maxs.push(t.price);
      while (f.ts[f.head]! < t.ts - RANGE) {
        const gone = f.prices[f.head++]!;
        f.sum -= gone;
        if (f.mins[f.minHead] === gone) f.minHead++;
        if (f.maxs[f.maxHead] === gone) f.maxHead++;
      }
      const count = f.ts.length - f.head;
      const result = {
        symbol: t.symbol,
        min: f.mins[f.minHead]!,
        max: f.maxs[f.maxHead]!,
        avg: f.sum / count,
        count,
      };
      totals.results++;
      totals.checksum += result.count + result.max - result.min;
      if (f.head > 65_536 && f.head > f.ts.length / 2) {
        f.ts = f.ts.slice(f.head);
        f.prices = f.prices.slice(f.head);
        f.head = 0;
      }
    }
  }
  return totals;
}

export async function eddy(batches: readonly Tick[][]): Promise<Totals> {
  const totals: Totals = { results: 0, checksum: 0 };
  const sink: Sink<{ value: { count: number; min: number; max: number } }> = {
    name: "totals",
    write(values) {
      for (const r of values) {
        totals.results++;
        totals.checksum += r.value.count + r.value.max - r.value.min;
      }
    },
  };
  const job = pipeline("over-bench", { logger: silentLogger, stopOnSignals: false });
  job
    .source(batchSource(batches))
    .withWatermarks(monotonous(), (t) => t.ts)
    .keyBy((t) => t.symbol)
    .over({ range: RANGE })
    .aggregate(stats((t) => t.price))
    .sink(sink);
  await job.run();
  return totals;
}

export async function main(): Promise<void> {
  console.log(
    `over throughput: ${TICKS / 1e6}M ticks, ${SYMBOLS} symbols, a tick every ${TICK_EVERY_MS} ms, range 1 h, stats(price)`,
  );
  const batches = fxTicks(TICKS, SYMBOLS, TICK_EVERY_MS, BATCH);
  const loop: number[] = [];
  const ours: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await settle();
    const a = await timed(() => handWritten(batches));
    await settle();
    const b = await timed(() => eddy(batches));
    if (
      a.result.results !== b.result.results ||
      Math.abs(a.result.checksum - b.result.checksum) > 1e-6 * Math.abs(a.result.checksum)
    ) {
      throw new Error(
        `results differ: hand-written ${JSON.stringify(a.result)}, eddy ${JSON.stringify(b.result)}`,
      );
    }
    loop.push(TICKS / (a.ms / 1000));
    ours.push(TICKS / (b.ms / 1000));
    console.log(
      `  run ${run + 1}: hand-written ${formatRate(loop.at(-1)!)}, eddy ${formatRate(ours.at(-1)!)}`,
    );
  }
  const l = median(loop);
  const e = median(ours);
  console.log(
    `median of ${RUNS}: hand-written ${formatRate(l)}, eddy ${formatRate(e)}, ratio ${(e / l).toFixed(2)}x (target: eddy >= 3M/s)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
