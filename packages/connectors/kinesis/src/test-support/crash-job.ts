/**
 * The job of the crash test, run as its own process so the test can SIGKILL it:
 * `node --import tsx crash-job.ts <endpoint> <stream> <redis-url> <output-file>`. It reads the
 * stream into a per-key tally, checkpoints to Redis every 50 ms, and appends every emitted tally
 * to the output file as a JSON line.
 */
import { appendFileSync } from "node:fs";
import { pipeline, silentLogger } from "@eddy/core";
import { redisCheckpoints } from "@eddy/state";
import { json } from "../decoders.ts";
import { kinesisSource } from "../kinesis-source.ts";
import { connectionFor } from "./local-kinesis.ts";
import type { TestEvent } from "./producer.ts";
import { mergeTallies, type Tally, tallyOf } from "./tally.ts";

const [endpoint, stream, redisUrl, output] = process.argv.slice(2) as [string, string, string, string];
const job = pipeline("kinesis-crash", {
  logger: silentLogger,
  stopOnSignals: false,
  checkpoints: { store: redisCheckpoints(redisUrl), every: 50, retryDelay: 1 },
});
job
  .source(
    kinesisSource({
      stream,
      decode: json<TestEvent>(),
      connection: connectionFor(endpoint),
      initialPosition: "TRIM_HORIZON",
      getRecordsIntervalMs: 30,
      getRecordsMaxRecordCount: 5,
    }),
    { name: "kinesis" },
  )
  .map(tallyOf)
  .keyBy((t) => t.key)
  .reduce(mergeTallies, { name: "tally" })
  .sink({
    name: "file",
    write(values: Tally[]) {
      appendFileSync(output, values.map((v) => `${JSON.stringify(v)}\n`).join(""));
    },
  });
await job.run();
