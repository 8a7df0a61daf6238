// One worker of the job the S3 cluster test runs on several processes (or, without a worker id,
// the whole job in one process): a partitioned, replayable generator into the S3 sink, with
// checkpoints in Redis published through Redis leases. The sink commits on checkpoint completion,
// so a record written twice is a duplicate line in the bucket.
//
//   node --import tsx cluster-job.ts <s3 endpoint> <redis url> <bucket> <prefix> <job> <records> <rate> [worker id]
import { consoleLogger, generatorSource, pipeline, silentLogger } from "@eddy/core";
import { localS3ClientConfig } from "@eddy/local-stack";
import { redisCheckpoints, redisLeases } from "@eddy/state";
import { s3Sink } from "../s3-sink.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const [endpoint, redisUrl, bucket, prefix, name, records, rate, workerId] = process.argv.slice(2);
if (!endpoint || !redisUrl || !bucket || !prefix || !name || !records || !rate) {
  console.error(
    "usage: cluster-job.ts <s3 endpoint> <redis url> <bucket> <prefix> <job> <records> <rate> [worker id]",
  );
  process.exit(2);
}

const T0 = Date.UTC(2026, 10, 21, 14, 0, 0);
const byKey = (r: { key: string }) => r.key;
const store = redisCheckpoints(redisUrl);
const leases = workerId === undefined ? undefined : redisLeases(redisUrl, { job: name });
const job = pipeline(name, {
  logger: workerId === undefined ? silentLogger : consoleLogger,
  checkpoints: { every: 250, store },
  cluster: leases && {
    leases,
    workerId: workerId!,
    leaseDurationMs: 1_500,
    failoverTimeMs: 1_500,
    pollIntervalMs: 200,
    assignmentIntervalMs: 500,
    handoffTimeoutMs: 5_000,
  },
  stopOnSignals: false,
});
job
  .source(
    generatorSource({
      count: Number(records),
      ratePerSecond: Number(rate),
      partitions: 4,
      partitionKey: byKey,
      batchSize: 25,
      generate: (id) => ({ id, key: `k${id % 13}`, at: T0 + (id % 2) * 3_600_000 }),
    }),
    { name: "records" },
  )
  .sink(
    s3Sink({
      bucket,
      prefix,
      client: localS3ClientConfig(endpoint),
      keyPrefix: (r) => `hh=${new Date(r.at).getUTCHours()}/`,
      maxConcurrentUploads: 4,
    }),
    { name: "s3-out" },
  );
const result = await job.run();
console.log(result.outcome);
await store.close();
await leases?.close();
