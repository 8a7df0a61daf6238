/**
 * Keyed 1 s tumbling event-time windows with count/sum/min/max/avg: 10M events, 10k keys, 200 ms
 * disorder. Prints events/s of the Eddy pipeline and of a hand-written loop over the same batches
 * in the same run, the ratio, and checks both produced the same results.
 *
 *   pnpm bench window        (or: node --expose-gc --max-old-space-size=8192 --import tsx bench/window-throughput.ts)
 */
import {
  boundedOutOfOrderness,
  pipeline,
  type Sink,
  type Source,
  silentLogger,
  stats,
  tumbling,
} from "@eddy/core";
import { type KeyedEvent, keyedEvents } from "./data.ts";
import { formatRate, median, RUNS, settle, timed } from "./support.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const KEYS = 10_000;
const WINDOW = 1_000;
const DISORDER = 200;
const BATCH = 1_000;

interface Totals {
  results: number;
  checksum: number;
}

/** What a careful engineer would write by hand: one Map of windows, each a Map of key → accumulator. */
export function handWritten(batches: readonly KeyedEvent[][]): Totals {
  interface Acc {
    count: number;
    sum: number;
    min: number;
    max: number;
  }
  const windows = new Map<number, Map<string, Acc>>();
  const totals: Totals = { results: 0, checksum: 0 };
  let maxTs = Number.NEGATIVE_INFINITY;
  let watermark = Number.NEGATIVE_INFINITY;
  const fire = (upTo: number) => {
    for (const start of [...windows.keys()].sort((a, b) => a - b)) {
      if (start + WINDOW - 1 > upTo) break;
      for (const [key, acc] of windows.get(start)!) {
        const result = {
          key,
          window: { start, end: start + WINDOW },
          value: { count: acc.count, sum: acc.sum, min: acc.min, max: acc.max, avg: acc.sum / acc.count },
        };
        totals.results++;
        totals.checksum += result.value.sum + result.value.max - result.value.min + result.window.start;
      }
      windows.delete(start);
    }
  };
  for (const batch of batches) {
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i]!;
      if (e.ts > maxTs) maxTs = e.ts;
      const start = e.ts - (((e.ts % WINDOW) + WINDOW) % WINDOW);
      if (start + WINDOW - 1 <= watermark) continue;
      let byKey = windows.get(start);
      if (!byKey) {
        byKey = new Map();
        windows.set(start, byKey);
      }
      const acc = byKey.get(e.key);
      if (acc) {
        acc.count++;
        acc.sum += e.value;
        if (e.value < acc.min) acc.min = e.value;
        if (e.value > acc.max) acc.max = e.value;
      } else {
        byKey.set(e.key, { count: 1, sum: e.value, min: e.value, max: e.value });
      }
    }
    const next = maxTs - DISORDER - 1;
    if (next > watermark) {
      watermark = next;
      fire(watermark);
    }
  }
  fire(Number.POSITIVE_INFINITY);
  return totals;
}

/** Replays pre-generated batches, as a source that has its data at hand. */
export function batchSource<T>(batches: readonly T[][]): Source<T> {
  return {
    name: "batches",
    bounded: true,
    open: () => {
      let i = 0;
      return {
        next: async () =>
          i < batches.length ? { kind: "data", split: "0", values: batches[i]!, position: ++i } : undefined,
      };
    },
  };
}

export async function eddy(batches: readonly KeyedEvent[][]): Promise<Totals> {
  const totals: Totals = { results: 0, checksum: 0 };
  const sink: Sink<{ window: { start: number }; value: { sum: number; min: number; max: number } }> = {
    name: "totals",
    write(values) {
      for (const r of values) {
        totals.results++;
        totals.checksum += r.value.sum + r.value.max - r.value.min + r.window.start;
      }
    },
  };
  const job = pipeline("window-bench", { logger: silentLogger, stopOnSignals: false });
  job
    .source(batchSource(batches))
    .withWatermarks(boundedOutOfOrderness(DISORDER), (e) => e.ts)
    .keyBy((e) => e.key)
    .window(tumbling(WINDOW))
    .aggregate(stats((e) => e.value))
    .sink(sink);
  await job.run();
  return totals;
}

export async function main(): Promise<void> {
  console.log(
    `window throughput: ${EVENTS / 1e6}M events, ${KEYS} keys, ${WINDOW} ms tumbling, ${DISORDER} ms disorder`,
  );
  const batches = keyedEvents(EVENTS, KEYS, DISORDER, BATCH);
  const loop: number[] = [];
  const ours: number[] = [];
  const loopCpu: number[] = [];
  const oursCpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await settle();
    const a = await timed(() => handWritten(batches));
    await settle();
    const b = await timed(() => eddy(batches));
    if (a.result.results !== b.result.results || a.result.checksum !== b.result.checksum) {
      throw new Error(
        `results differ: hand-written ${JSON.stringify(a.result)}, eddy ${JSON.stringify(b.result)}`,
      );
    }
    loop.push(EVENTS / (a.ms / 1000));
    ours.push(EVENTS / (b.ms / 1000));
    loopCpu.push(a.cpuMs);
    oursCpu.push(b.cpuMs);
    console.log(
      `  run ${run + 1}: hand-written ${formatRate(loop.at(-1)!)}, eddy ${formatRate(ours.at(-1)!)} (main-thread CPU ${a.cpuMs.toFixed(0)} vs ${b.cpuMs.toFixed(0)} ms)`,
    );
  }
  const l = median(loop);
  const e = median(ours);
  console.log(
    `median of ${RUNS}: hand-written ${formatRate(l)}, eddy ${formatRate(e)}, ratio ${(e / l).toFixed(2)}x; main-thread CPU ${median(loopCpu).toFixed(0)} vs ${median(oursCpu).toFixed(0)} ms, ratio ${(median(loopCpu) / median(oursCpu)).toFixed(2)}x`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
