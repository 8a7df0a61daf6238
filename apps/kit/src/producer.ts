import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { kinesisSink } from "@eddy/connector-kinesis";
import { generatorSource, type Job, type JobResult, pipeline } from "@eddy/core";
import { ensureKinesisStream } from "./resources.ts";
import { runApp } from "./run.ts";
import { pipelineOptions, type Runtime } from "./runtime.ts";

/** Options of {@link producerJob}. */
export interface ProducerOptions<T> {
  readonly stream: string;
  /** The run's Kinesis client, built once for the run (`Connections.kinesis`). */
  readonly client: KinesisClient;
  /** Record `index`: a pure function of it, so a resumed producer continues the same sequence. */
  readonly generate: (index: number) => T;
  /** Records of one key go to one shard, in order. */
  readonly partitionKey: (record: T) => string;
  /** Record → bytes (default: JSON). */
  readonly serialize?: (record: T) => string;
  /** Records per second (`undefined`: as fast as Kinesis takes them). */
  readonly ratePerSecond: number | undefined;
  /** How many records (`undefined`: until stopped). */
  readonly count: number | undefined;
}

/**
 * A producer is an Eddy job too: the generator source paced at `ratePerSecond`, into a Kinesis
 * sink. With the runtime's checkpoints it resumes at the next record after a restart, so event
 * time goes on where it stopped (the sink is at-least-once: records after the last checkpoint
 * are written again). One request in flight keeps each partition key's records in order.
 */
export function producerJob<T>(runtime: Runtime, options: ProducerOptions<T>): Job {
  const job = pipeline(runtime.job, pipelineOptions(runtime));
  const records = job.source(
    generatorSource({
      name: "generator",
      generate: options.generate,
      count: options.count,
      ratePerSecond: options.ratePerSecond,
    }),
    { name: "generator" },
  );
  records.sink(
    kinesisSink({
      stream: options.stream,
      client: options.client,
      partitionKey: options.partitionKey,
      ...(options.serialize ? { serialize: options.serialize } : {}),
      maxInFlightRequests: 1,
      maxTimeInBufferMS: 100,
    }),
    { name: "kinesis" },
  );
  // How far it got is the progress line's (`--progress`): records out per second and in total.
  return job;
}

/**
 * A producer's whole run: creates the stream on the local stack when missing (with `shards`
 * shards), then runs {@link producerJob} with a banner saying what it writes.
 */
export async function runProducer<T>(
  runtime: Runtime,
  options: Omit<ProducerOptions<T>, "client"> & {
    readonly title: string;
    readonly shards: number;
    readonly seed: number;
  },
): Promise<JobResult> {
  // resolveProducerRuntime asks for a Kinesis source, which embedded mode refuses: never undefined.
  const kinesis = runtime.connections!.kinesis;
  if (runtime.createResources) await ensureKinesisStream(kinesis, options.stream, options.shards);
  const job = producerJob(runtime, { ...options, client: kinesis });
  const rate =
    options.ratePerSecond === undefined ? "as fast as Kinesis takes them" : `${options.ratePerSecond}/s`;
  const count = options.count === undefined ? "until stopped" : `${options.count} records`;
  return runApp(job, runtime, {
    title: options.title,
    lines: [`into Kinesis stream ${options.stream}: ${rate}, ${count}, seed ${options.seed}`],
  });
}
