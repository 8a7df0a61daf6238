/**
 * The job the crash test kills: a deterministic, replayable source, keyed tumbling windows (window
 * state), checkpoints every 50 ms to Redis, and the exactly-once JSON-lines sink.
 *
 *   node --import tsx crash-job.ts <redis url> <job name> <output dir> <records> <records per second>
 */
import {
  boundedOutOfOrderness,
  generatorSource,
  jsonLinesSink,
  pipeline,
  silentLogger,
  stats,
  tumbling,
} from "@eddy/core";
import { redisCheckpoints } from "../src/index.ts";

const [url, name, out, records, rate] = process.argv.slice(2);
if (!url || !name || !out || !records || !rate) {
  console.error("usage: crash-job.ts <redis url> <job name> <output dir> <records> <records per second>");
  process.exit(2);
}

/** Record i: 37 keys, integer amounts, event time i ms with up to 49 ms of disorder. */
export const eventAt = (i: number) => ({ key: `k${i % 37}`, amount: (i * 7) % 11, ts: i - ((i * 13) % 50) });

const store = redisCheckpoints(url);
const job = pipeline(name, { logger: silentLogger, checkpoints: { every: 50, store } });
job
  .source(generatorSource({ count: Number(records), ratePerSecond: Number(rate), generate: eventAt }), {
    name: "events",
  })
  .withWatermarks(boundedOutOfOrderness(50), (e) => e.ts, { name: "timestamps" })
  .keyBy((e) => e.key)
  .window(tumbling(1_000))
  .aggregate(
    stats((e) => e.amount),
    { name: "per-second" },
  )
  .map((r) => ({ key: r.key, start: r.window.start, count: r.value.count, sum: r.value.sum }), {
    name: "rows",
  })
  .sink(jsonLinesSink(out), { name: "out" });
// The test times its kills from this line, so they land while records flow, however slow start-up is.
console.log("running");
await job.run();
await store.close();
