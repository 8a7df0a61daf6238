import {
  generatorSource,
  MemoryCheckpointStore,
  MemoryLeaseStore,
  PipelineDefinitionError,
  pipeline,
  type RepartitionChannel,
  silentLogger,
} from "@eddy/core";
import { expect, test } from "vitest";
import { clickstream } from "./clickstream.ts";
import { ACCESS_LOG_DEFAULTS, accessLog } from "./log-generator.ts";

/** A channel the job never gets to use: the cut is refused before any stream is prepared. */
const unusedChannel: RepartitionChannel = {
  description: "unused",
  prepare: () => Promise.reject(new Error("prepared")),
  writer: () => {
    throw new Error("written");
  },
  reader: () => {
    throw new Error("read");
  },
};

test("on several workers the job gets a repartition per branch off the parsed lines, and is refused only for the chained ones, named", async () => {
  const line = accessLog({ ...ACCESS_LOG_DEFAULTS, seed: 6, everyMs: 200 });
  const leases = new MemoryLeaseStore();
  const job = pipeline("clickstream", {
    logger: silentLogger,
    stopOnSignals: false,
    checkpoints: { store: new MemoryCheckpointStore() },
    cluster: { leases, workerId: "w0", repartition: { channel: unusedChannel, stageLeases: () => leases } },
  });
  const streams = clickstream(job.source(generatorSource({ partitions: 2, count: 100, generate: line })));
  for (const stream of [streams.pageHits, streams.leaderboard, streams.sessions, streams.alerts]) {
    stream.sink({ name: "none", write() {} });
  }
  // hits-per-page, sessions and error-rate are branches off the parsed lines: each gets its own
  // repartition. The leaderboard keys the per-page counts again, the anomaly detector the error
  // rates: a chain, which is what is still missing.
  const refusal = job.run();
  await expect(refusal).rejects.toBeInstanceOf(PipelineDefinitionError);
  await expect(refusal).rejects.toThrow(
    /^job "clickstream" runs on several workers with a repartition, but keyed operators "top-pages" \(after "hits-per-page"\), "error-rate-anomalies" \(after "error-rate"\) need their own after another's: a chain of repartitions is not supported yet$/,
  );
});
