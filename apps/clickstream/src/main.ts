/**
 * Web clickstream on the embedded default: Apache combined-log lines are parsed (a malformed line
 * goes to a dead-letter output with the reason, the job goes on) and counted per page per minute;
 * the console shows each minute's busiest pages.
 *
 *   node scripts/pnpm.mjs --filter @eddy/app-clickstream start
 */
import {
  boundedOutOfOrderness,
  consoleSink,
  count,
  type FailedRecord,
  generatorSource,
  minutes,
  OutputTag,
  pipeline,
  seconds,
  topN,
  tumbling,
} from "@eddy/core";
import { parseCombinedLog } from "./access-log.ts";
import { logLineAt } from "./log-generator.ts";

const LINES = Number(process.env.CLICKS_LINES ?? 60_000);
const START = Date.UTC(2026, 10, 21, 14, 0, 0);

const deadLetters = new OutputTag<FailedRecord<string>>("malformed-lines");
const job = pipeline("clickstream");
const hits = job
  .source(generatorSource({ count: LINES, generate: (i) => logLineAt(i, START, 50) }), { name: "access-log" })
  .map(parseCombinedLog, { name: "parse", errors: deadLetters });

hits
  .getSideOutput(deadLetters)
  .sink(consoleSink({ format: (f) => `dead letter (${f.operator}): ${f.error}` }), { name: "dead-letters" });

hits
  .withWatermarks(boundedOutOfOrderness(seconds(5)), (h) => h.time)
  .keyBy((h) => h.path)
  .window(tumbling(minutes(1)))
  .aggregate(count(), { name: "hits-per-page" })
  .keyBy((r) => r.window.start)
  .window(tumbling(minutes(1)))
  .aggregate(
    topN(3, (r) => r.value),
    { name: "top-pages" },
  )
  .sink(
    consoleSink({
      format: (r) =>
        `${new Date(r.window.start).toISOString().slice(11, 16)}  ${r.value.map((p) => `${p.key} ${p.value}`).join("  ·  ")}`,
    }),
    { name: "console" },
  );

await job.run();
