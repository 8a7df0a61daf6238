/**
 * Timer-heavy operators: where the timer service is the hot path. 1M events (10k keys, 200 ms
 * disorder) through three pipelines, each run RUNS times, printing events/s and main-thread CPU ms
 * per scenario (medians):
 *
 * - `tumbling+purging`: 1 s tumbling windows with `purging(eventTimeTrigger())`, which the fast
 *   path does not take: two timers per window (firing and cleanup), all keys' windows due together;
 * - `session(50)`: session windows with a 50 ms gap: a timer per session, moved as sessions merge;
 * - `keyed timer/record`: a keyed process function registering an event-time timer 100 ms after
 *   each record (deduplicated per key and time) and emitting in `onTimer`.
 *
 * To compare two versions of the code, run it in both trees alternately in one session and compare
 * the medians (`BENCH_EVENTS=1000000 tsx bench/timer-throughput.ts`); it never fails on time.
 */
import {
  boundedOutOfOrderness,
  count,
  type DataStream,
  eventTimeTrigger,
  type KeyedStream,
  pipeline,
  purging,
  type Sink,
  session,
  silentLogger,
  stats,
  tumbling,
} from "@eddy/core";
import { type KeyedEvent, keyedEvents } from "./data.ts";
import { formatRate, median, RUNS, settle, timed } from "./support.ts";
import { batchSource } from "./window-throughput.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const KEYS = 10_000;
const DISORDER = 200;
const BATCH = 1_000;

/** Counts what reaches the sink: every scenario checks it produced the same each run. */
function countingSink<T>(): { sink: Sink<T>; results: () => number } {
  let results = 0;
  return {
    sink: {
      name: "count",
      write(values) {
        results += values.length;
      },
    },
    results: () => results,
  };
}

type Scenario = (batches: readonly KeyedEvent[][]) => Promise<number>;

/** Runs `build` on the bench's keyed input, its output counted: the number of results. */
async function runKeyed<TOut>(
  name: string,
  batches: readonly KeyedEvent[][],
  build: (keyed: KeyedStream<KeyedEvent, string>) => DataStream<TOut>,
): Promise<number> {
  const { sink, results } = countingSink<TOut>();
  const job = pipeline(`timer-bench-${name}`, { logger: silentLogger, stopOnSignals: false });
  const keyed = job
    .source(batchSource(batches))
    .withWatermarks(boundedOutOfOrderness(DISORDER), (e) => e.ts)
    .keyBy((e) => e.key);
  build(keyed).sink(sink);
  await job.run();
  return results();
}

const scenarios: Record<string, Scenario> = {
  "tumbling+purging": (batches) =>
    runKeyed("tumbling", batches, (keyed) =>
      keyed
        .window(tumbling(1_000))
        .trigger(purging(eventTimeTrigger()))
        .aggregate(stats((e) => e.value)),
    ),
  "session(50)": (batches) =>
    runKeyed("session", batches, (keyed) => keyed.window(session(50)).aggregate(count())),
  "keyed timer/record": (batches) =>
    runKeyed("keyed", batches, (keyed) =>
      keyed.process<number>({
        processElement(_event, ctx) {
          ctx.timerService.registerEventTimeTimer(ctx.timestamp + 100);
        },
        onTimer(time, ctx) {
          ctx.emit(time);
        },
      }),
    ),
};

const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(scenarios);
console.log(`timer throughput: ${EVENTS / 1e6}M events, ${KEYS} keys, ${DISORDER} ms disorder`);
const batches = keyedEvents(EVENTS, KEYS, DISORDER, BATCH);
for (const name of chosen) {
  const scenario = scenarios[name];
  if (scenario === undefined) {
    console.error(`unknown scenario "${name}"; choose from ${Object.keys(scenarios).join(", ")}`);
    process.exit(2);
  }
  const rates: number[] = [];
  const cpu: number[] = [];
  let expected: number | undefined;
  for (let run = 0; run < RUNS; run++) {
    await settle();
    const { ms, cpuMs, result } = await timed(() => scenario(batches));
    if (expected !== undefined && result !== expected) {
      throw new Error(`${name}: run ${run + 1} emitted ${result} results, run 1 ${expected}`);
    }
    expected = result;
    rates.push(EVENTS / (ms / 1000));
    cpu.push(cpuMs);
  }
  console.log(
    `  ${name}: ${formatRate(median(rates))}, main-thread CPU ${median(cpu).toFixed(0)} ms (median of ${RUNS}; ${expected} results; CPU runs ${cpu.map((c) => c.toFixed(0)).join(" ")})`,
  );
}
