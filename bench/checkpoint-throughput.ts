/**
 * The tumbling-window benchmark with a checkpoint every second to a real Redis, against the same
 * pipeline without checkpoints, in the same run (target: >= 0.8x). Redis is started on a free port.
 *
 *   npm run bench -- checkpoint
 */
import { boundedOutOfOrderness, pipeline, type Sink, silentLogger, stats, tumbling } from "@eddy/core";
import { redisCheckpoints } from "@eddy/state";
import { startRedisServer } from "../packages/state/src/test-support/redis-server.ts";
import { type KeyedEvent, keyedEvents } from "./data.ts";
import { formatRate, median, RUNS, settle, timed } from "./support.ts";
import { batchSource } from "./window-throughput.ts";

// 40M, not the window benchmark's 10M: at about 10M events/s a 10M run ends within a second, so
// it would take only its final checkpoint and measure none of the periodic ones.
const EVENTS = Number(process.env.BENCH_EVENTS ?? 40_000_000);

async function windows(
  batches: readonly KeyedEvent[][],
  checkpointUrl: string | undefined,
): Promise<{ results: number; checkpoints: number }> {
  let results = 0;
  const sink: Sink<unknown> = {
    name: "count",
    write(values) {
      results += values.length;
    },
  };
  const store = checkpointUrl ? redisCheckpoints(checkpointUrl) : undefined;
  const job = pipeline(`checkpoint-bench-${Math.random().toString(36).slice(2)}`, {
    logger: silentLogger,
    stopOnSignals: false,
    ...(store ? { checkpoints: { every: 1_000, store } } : {}),
  });
  job
    .source(batchSource(batches))
    .withWatermarks(boundedOutOfOrderness(200), (e) => e.ts)
    .keyBy((e) => e.key)
    .window(tumbling(1_000))
    .aggregate(
      stats((e) => e.value),
      { name: "windows" },
    )
    .sink(sink);
  await job.run();
  await store?.close();
  return { results, checkpoints: job.metrics.checkpoints.completed };
}

const redis = await startRedisServer();
try {
  console.log(
    `checkpoint overhead: ${EVENTS / 1e6}M events, 10k keys, 1 s tumbling windows, checkpoint every 1 s to Redis`,
  );
  const batches = keyedEvents(EVENTS, 10_000, 200, 1_000);
  const plain: number[] = [];
  const checkpointed: number[] = [];
  const plainCpu: number[] = [];
  const checkpointedCpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await settle();
    const a = await timed(() => windows(batches, undefined));
    await settle();
    const b = await timed(() => windows(batches, redis.url));
    if (a.result.results !== b.result.results) {
      throw new Error(`results differ: ${a.result.results} vs ${b.result.results}`);
    }
    plain.push(EVENTS / (a.ms / 1000));
    checkpointed.push(EVENTS / (b.ms / 1000));
    plainCpu.push(a.cpuMs);
    checkpointedCpu.push(b.cpuMs);
    console.log(
      `  run ${run + 1}: no checkpoints ${formatRate(plain.at(-1)!)}, checkpoint every 1 s ${formatRate(checkpointed.at(-1)!)} (${b.result.checkpoints} checkpoints, the last one final; main-thread CPU ${a.cpuMs.toFixed(0)} vs ${b.cpuMs.toFixed(0)} ms)`,
    );
  }
  const p = median(plain);
  const c = median(checkpointed);
  const cpuRatio = median(plainCpu) / median(checkpointedCpu);
  console.log(
    `median of ${RUNS}: no checkpoints ${formatRate(p)}, with checkpoints ${formatRate(c)}, ratio ${(c / p).toFixed(2)}x (target >= 0.8x); main-thread CPU ratio ${cpuRatio.toFixed(2)}x`,
  );
} finally {
  await redis.stop();
}
