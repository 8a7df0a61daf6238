/**
 * Writes Apache combined-log lines to Kinesis: the same deterministic log the embedded mode
 * generates (visitors in sessions, popular pages and a long tail, bursts of 5xx, a few malformed
 * lines), at `--rate` lines per second, partitioned by client IP. It is an Eddy job too,
 * checkpointed, so a restarted producer goes on where it stopped.
 *
 *   tsx src/producer.ts                       # to the local stack (`npm run stack`), until Ctrl-C
 *   tsx src/producer.ts --mode aws --rate 100 # to the stream `clickstream-logs` on AWS
 */
import { orExit, producerSettings, resolveProducerRuntime, runProducer, settingsOrExit } from "@eddy/app-kit";
import { CLICKSTREAM_RESOURCES, LINE_SETTINGS } from "./clickstream-settings.ts";
import { ACCESS_LOG_DEFAULTS, accessLog } from "./log-generator.ts";

const settings = settingsOrExit("clickstream producer: web server log lines into a Kinesis stream", {
  ...producerSettings("clickstream"),
  ...LINE_SETTINGS,
});
await runProducer(await orExit(resolveProducerRuntime(settings)), {
  title: "clickstream producer: Apache combined-log lines, partitioned by client IP",
  stream: settings.stream,
  shards: CLICKSTREAM_RESOURCES.shards,
  seed: settings.seed,
  generate: accessLog({ ...ACCESS_LOG_DEFAULTS, seed: settings.seed, everyMs: settings.interval }),
  // A client's requests stay on one shard, in order: the key is the line's first field, its IP.
  partitionKey: (line) => {
    const space = line.indexOf(" ");
    return space > 0 ? line.slice(0, Math.min(space, 256)) : "no-ip";
  },
  serialize: (line) => line,
  ratePerSecond: settings.rate,
  count: settings.lines,
});
