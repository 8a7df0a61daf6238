/**
 * A small app on the kit, for the tests of `--workers N` and `--cluster`: a generator of keyed
 * events (a pure function of the index), keyed one-second tumbling windows co-partitioned with
 * it — or, with `--by page`, keyed by another field of the events, which on several workers
 * repartitions them (through the local stack's Kinesis); with `--source kinesis` the same events
 * are read from a stream (`--stream`) — and an idempotent sink — each window's count is one file, `<out>/<key>@<windowStart>`, so
 * a result written again after a replay is the same write, like a DynamoDB item with a
 * deterministic key. A second, different result for a window (which exactly-once state never
 * gives) is kept beside it as `<key>@<windowStart>.conflict-<n>` for the test to find.
 *
 *   node --import tsx window-counts-app.ts --workers 2 --checkpoints /tmp/c --out /tmp/o --events 40000
 *   node --import tsx window-counts-app.ts --by page --mode local --source generator --workers 3 --checkpoints redis://127.0.0.1:6379
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { json } from "@eddy/connector-kinesis";
import { boundedOutOfOrderness, count, pipeline, type Sink, tumbling } from "@eddy/core";
import {
  integer,
  oneOf,
  orExit,
  pipelineOptions,
  recordSource,
  resolveRuntime,
  runApp,
  runtimeSettings,
  settingsOrExit,
  text,
} from "../index.ts";

const SETTINGS = {
  ...runtimeSettings("window-counts"),
  events: {
    flag: "events",
    env: "WINDOW_COUNTS_EVENTS",
    description: "how many events to generate",
    parse: integer(0),
    default: 20_000,
  },
  rate: {
    flag: "rate",
    env: "WINDOW_COUNTS_RATE",
    description: "events per second",
    parse: integer(1),
    default: 4_000,
  },
  stream: {
    flag: "stream",
    env: "WINDOW_COUNTS_STREAM",
    description: "with `--source kinesis`: the stream of events, as JSON `{ key, page, ts }`",
    parse: text,
    default: "window-counts",
  },
  by: {
    flag: "by",
    env: "WINDOW_COUNTS_BY",
    description:
      "what the windows are keyed by: `key`, the source's partition key (co-partitioned), or `page` (a repartition on several workers)",
    parse: oneOf(["key", "page"] as const),
    default: "key" as "key" | "page",
  },
};

/**
 * Event i: one of 40 keys and one of 24 pages (each key's events spread over several pages), 10 ms
 * of event time apart (100 per second of event time).
 */
const eventAt = (i: number) => ({ key: `k${(i * 7) % 40}`, page: `p${(i * 5) % 24}`, ts: i * 10 });
type Event = ReturnType<typeof eventAt>;
const byKey = (event: Event) => event.key;
const byPage = (event: Event) => event.page;

const settings = settingsOrExit("window-counts: events per key per second", SETTINGS);
const runtime = await orExit(resolveRuntime(settings));
const input = recordSource(runtime, {
  name: "events",
  generate: eventAt,
  ratePerSecond: settings.rate,
  count: settings.events,
  stream: settings.stream,
  decode: json<Event>(),
  partitionKey: byKey,
});

function windowFiles(directory: string): Sink<{ key: string; start: number; count: number }> {
  return {
    name: "window-files",
    open: () => {
      mkdirSync(directory, { recursive: true });
    },
    write(rows) {
      for (const row of rows) {
        const path = join(directory, `${row.key}@${row.start}`);
        const text = String(row.count);
        let before: string | undefined;
        try {
          before = readFileSync(path, "utf8");
        } catch {
          before = undefined;
        }
        // Whole or not at all, like an item write: a worker killed mid-write leaves no torn file.
        const target = before !== undefined && before !== text ? `${path}.conflict-${Date.now()}` : path;
        writeFileSync(`${path}.${process.pid}.tmp`, text);
        renameSync(`${path}.${process.pid}.tmp`, target);
      }
    },
  };
}

const job = pipeline(runtime.job, pipelineOptions(runtime));
job
  .source(input.source, { name: "events" })
  .withWatermarks(boundedOutOfOrderness(2_000), (e) => e.ts, { name: "timestamps" })
  .keyBy(settings.by === "page" ? byPage : byKey)
  .window(tumbling(1_000))
  .aggregate(count(), { name: "per-second" })
  .map((r) => ({ key: r.key, start: r.window.start, count: r.value }), { name: "rows" })
  .sink(windowFiles(settings.out), { name: "window-files" });

await runApp(job, runtime, {
  title: "window-counts: events per key per second",
  lines: [`events from ${input.description}`],
});
