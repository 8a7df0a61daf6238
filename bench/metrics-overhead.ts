/**
 * What observability costs a running job: the window benchmark's pipeline (keyed 1 s tumbling
 * windows with `stats`, 10M events, 10k keys) run plain; with the Prometheus/JSON endpoint scraped
 * by another process every second, and every 100 ms; and with the live dashboard (one page
 * connected, refreshed every 250 ms) plus a progress reporter — alternating in one process on the
 * same data, reads coming from another process. Prints medians of events per second of wall-clock
 * and of CPU time, and ratios against the plain run (target: within 3%, ratio >= 0.97); then the
 * CPU time of one answer, which the machine's noise does not blur. Never fails on time.
 *
 *   npm run bench -- metrics
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import {
  boundedOutOfOrderness,
  type Job,
  pipeline,
  type Sink,
  silentLogger,
  stats,
  tumbling,
} from "@eddy/core";
// Imported from source like the checkpoint bench's Redis helper: the root does not depend on it.
import {
  dashboard,
  progressReporter,
  prometheusRegistry,
  readJob,
  serveMetrics,
} from "../packages/observability/src/index.ts";
import { sampleFrom } from "../packages/observability/src/job-sampler.ts";
import { sampleJson } from "../packages/observability/src/sample-json.ts";
import { type KeyedEvent, keyedEvents } from "./data.ts";
import { formatRate, median, RUNS, settle, timed } from "./support.ts";
import { batchSource } from "./window-throughput.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);

/** Starts observing `job` before it runs; returns how to stop, and how many reads were served. */
type Observer = (job: Job) => Promise<() => Promise<number>>;

/**
 * Reads the job's endpoints from another process, as Prometheus or a browser would: the job's
 * process pays for answering, not for asking. It starts once, before any timing; each observed
 * run tells it what to do on its stdin — `scrape <url> <ms>` (`/metrics` and `/metrics.json`
 * every `ms`) or `listen <url>` (the dashboard's event stream) — and `stop`, answered with the
 * number of scrapes or events.
 */
const SCRAPER = `
const readline = require("node:readline");
let target;
let scrapes = 0;
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, url, every] = line.split(" ");
  if (command === "scrape" || command === "listen") {
    target = { url, every: Number(every), abort: new AbortController() };
    scrapes = 0;
    void (command === "scrape" ? loop(target) : listen(target));
  } else {
    target?.abort.abort();
    target = undefined;
    process.stdout.write(scrapes + "\\n");
  }
});
async function listen(mine) {
  try {
    const response = await fetch(mine.url + "/events", { signal: mine.abort.signal });
    const reader = response.body.getReader();
    while (target === mine) {
      const { done } = await reader.read();
      if (done) return;
      scrapes++;
    }
  } catch {}
}
async function loop(mine) {
  while (target === mine) {
    const started = Date.now();
    try {
      await (await fetch(mine.url + "/metrics")).text();
      await (await fetch(mine.url + "/metrics.json")).text();
      if (target === mine) scrapes++;
    } catch {}
    await new Promise((r) => setTimeout(r, Math.max(0, mine.every - (Date.now() - started))));
  }
}
`;
const scraper = spawn(process.execPath, ["-e", SCRAPER], { stdio: ["pipe", "pipe", "inherit"] });
const answers = createInterface({ input: scraper.stdout });

/** Stops the scraper's current task; resolves with how many scrapes or events it had. */
async function stopScraper(): Promise<number> {
  const answer = new Promise<string>((resolve) => answers.once("line", resolve));
  scraper.stdin.write("stop\n");
  return Number(await answer);
}

function scraped(everyMs: number): Observer {
  return async (job) => {
    const server = await serveMetrics(job, { port: 0 });
    scraper.stdin.write(`scrape ${server.url} ${everyMs}\n`);
    return async () => {
      const scrapes = await stopScraper();
      await server.close();
      return scrapes;
    };
  };
}

const variants: Record<string, Observer | undefined> = {
  plain: undefined,
  "metrics scraped every 1 s": scraped(1_000),
  "metrics scraped every 100 ms": scraped(100),
  "dashboard (a page connected) + progress": async (job) => {
    const ui = await dashboard(job, { port: 0, refreshEvery: 250 });
    const progress = progressReporter(job, { stream: { write: () => true }, every: 1_000 });
    scraper.stdin.write(`listen ${ui.url}\n`);
    return async () => {
      const events = await stopScraper();
      progress.stop();
      await ui.close();
      return events;
    };
  },
};

async function windows(batches: readonly KeyedEvent[][], observe: Observer | undefined) {
  let results = 0;
  let checksum = 0;
  const sink: Sink<{ window: { start: number }; value: { sum: number; min: number; max: number } }> = {
    name: "totals",
    write(values) {
      for (const r of values) {
        results++;
        checksum += r.value.sum + r.value.max - r.value.min + r.window.start;
      }
    },
  };
  const job = pipeline("metrics-bench", { logger: silentLogger, stopOnSignals: false });
  job
    .source(batchSource(batches))
    .withWatermarks(boundedOutOfOrderness(200), (e) => e.ts)
    .keyBy((e) => e.key)
    .window(tumbling(1_000))
    .aggregate(stats((e) => e.value))
    .sink(sink);
  const stop = await observe?.(job);
  // Only the run is timed: starting and closing servers is not the job's cost. CPU time of this
  // process is measured too: on a machine shared with other work it varies far less than the
  // wall clock, and it is what observability adds (the scraper's CPU is another process').
  const cpu = process.cpuUsage();
  const { ms } = await timed(() => job.run());
  const used = process.cpuUsage(cpu);
  const reads = (await stop?.()) ?? 0;
  return { ms, cpuMs: (used.user + used.system) / 1000, results, checksum, reads };
}

console.log(
  `metrics overhead: ${EVENTS / 1e6}M events, 10k keys, 1 s tumbling windows; plain vs observed, alternating`,
);
const batches = keyedEvents(EVENTS, 10_000, 200, 1_000);
const rates = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
const cpuRates = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
let expected: string | undefined;
for (let run = 0; run < RUNS; run++) {
  const line: string[] = [];
  // Each run starts with another variant, so none is always first after the collector settled.
  const order = Object.entries(variants);
  const rotated = [...order.slice(run % order.length), ...order.slice(0, run % order.length)];
  for (const [name, observe] of rotated) {
    await settle();
    const result = await windows(batches, observe);
    const ms = result.ms;
    const outcome = `${result.results}/${result.checksum}`;
    expected ??= outcome;
    if (outcome !== expected) throw new Error(`${name}: results differ (${outcome} vs ${expected})`);
    rates.get(name)!.push(EVENTS / (ms / 1000));
    cpuRates.get(name)!.push(EVENTS / (result.cpuMs / 1000));
    line.push(
      `${name} ${formatRate(EVENTS / (ms / 1000))}, ${formatRate(EVENTS / (result.cpuMs / 1000))} per CPU s${observe ? ` (${result.reads} reads)` : ""}`,
    );
  }
  console.log(`  run ${run + 1}: ${line.join(", ")}`);
}
for (const [what, figures] of [
  ["events per second of wall-clock time", rates],
  ["events per second of this process' CPU time", cpuRates],
] as const) {
  const plainRates = figures.get("plain")!;
  const plain = median(plainRates);
  console.log(`${what}, median of ${RUNS} (ratios: of the medians; the median of each run's own ratio):`);
  for (const [name, values] of figures) {
    const m = median(values);
    const paired = median(values.map((v, run) => v / plainRates[run]!));
    console.log(
      `  ${name}: ${formatRate(m)}${name === "plain" ? "" : `, ratio ${(m / plain).toFixed(3)}x; ${paired.toFixed(3)}x (target >= 0.97x)`}`,
    );
  }
}

// The same cost from the other side, free of the machine's noise: the CPU time of one answer,
// and what it comes to at a given rate of reads, as a share of one core.
const job = pipeline("metrics-bench", { logger: silentLogger, stopOnSignals: false });
job
  .source(batchSource(batches.slice(0, 100)))
  .withWatermarks(boundedOutOfOrderness(200), (e) => e.ts)
  .keyBy((e) => e.key)
  .window(tumbling(1_000))
  .aggregate(stats((e) => e.value))
  .sink({ name: "none", write() {} });
await job.run();
const registry = prometheusRegistry(job);
const costOf = async (what: string, answer: () => unknown, every: readonly number[]) => {
  for (let i = 0; i < 50; i++) await answer();
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const cpu = process.cpuUsage();
    await answer();
    const used = process.cpuUsage(cpu);
    samples.push((used.user + used.system) / 1000);
  }
  const ms = median(samples);
  const shares = every.map((interval) => `${((100 * ms) / interval).toFixed(3)}% every ${interval} ms`);
  console.log(`  ${what}: ${ms.toFixed(3)} ms of CPU each; of one core: ${shares.join(", ")}`);
};
console.log("one answer, median of 200:");
await costOf("Prometheus text, process metrics included", () => registry.metrics(), [15_000, 1_000, 100]);
// What /metrics.json answers, and what the dashboard does at each refresh (before its views).
const sampled = () => JSON.stringify(sampleJson(sampleFrom(readJob(job), undefined)));
await costOf("a sample as JSON (/metrics.json, a dashboard refresh)", sampled, [1_000, 250, 100]);
scraper.kill();
