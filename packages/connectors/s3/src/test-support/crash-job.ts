// A job run in a child process by the crash test: a paced bounded source into the S3 sink, with
// checkpoints in Redis. It reports on stdout what its sink is doing, so the test can SIGKILL it at
// the worst moments (between pre-commit and commit, in the middle of a commit).
import {
  boundedOutOfOrderness,
  generatorSource,
  pipeline,
  type Sink,
  type SinkContext,
  type Source,
  silentLogger,
} from "@eddy/core";
import { localS3ClientConfig } from "@eddy/local-stack";
import { redisCheckpoints } from "@eddy/state";
import { s3Sink } from "../s3-sink.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const total = Number(env("CRASH_RECORDS"));
const T0 = Date.UTC(2026, 10, 21, 14, 0, 0);
const records = Array.from({ length: total }, (_, id) => ({ id, at: T0 + (id % 3) * 3_600_000 }));
const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * With CRASH_HOLD set, the source waits at its end instead of finishing, so a run that is meant to
 * be killed keeps checkpointing until it is, however slow the machine.
 */
function holding<T>(source: Source<T>): Source<T> {
  if (!process.env.CRASH_HOLD) return source;
  return {
    ...source,
    bounded: false,
    async open(context) {
      const reader = await source.open(context);
      return {
        async next() {
          const event = await reader.next();
          return event ?? new Promise<never>(() => {});
        },
      };
    },
  };
}

function reporting<T>(sink: Sink<T>): Sink<T> {
  return {
    name: sink.name,
    async open(context: SinkContext) {
      await sink.open?.(context);
      say(`opened ${context.restoredCheckpointId ?? "fresh"}`);
    },
    write: (values, timestamps) => sink.write(values, timestamps),
    async snapshot(id) {
      const state = await sink.snapshot?.(id);
      say(`pre-committed ${id}`);
      return state;
    },
    async notifyCheckpointComplete(id) {
      say(`committing ${id}`);
      await sink.notifyCheckpointComplete?.(id);
      say(`committed ${id}`);
    },
    async finish() {
      await sink.finish?.();
      say("finished");
    },
    close: () => sink.close?.(),
  };
}

const store = redisCheckpoints(env("CRASH_REDIS"));
const job = pipeline("s3-crash", {
  logger: silentLogger,
  stopOnSignals: false,
  checkpoints: { store, every: 25 },
});
job
  .source(
    holding(
      generatorSource({
        count: records.length,
        generate: (i) => records[i]!,
        batchSize: 20,
        ratePerSecond: 5000,
      }),
    ),
  )
  .withWatermarks(boundedOutOfOrderness(4 * 3_600_000), (r) => r.at)
  .sink(
    reporting(
      s3Sink({
        bucket: env("CRASH_BUCKET"),
        prefix: env("CRASH_PREFIX"),
        client: localS3ClientConfig(env("CRASH_S3")),
        maxConcurrentUploads: 8,
        logger: silentLogger,
      }),
    ),
    { name: "s3-out" },
  );
const result = await job.run();
await store.close();
say(`done ${result.restoredFrom ?? "fresh"}`);
