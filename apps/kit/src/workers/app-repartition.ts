import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { kinesisRepartition } from "@eddy/connector-kinesis";
import {
  type ClusterRepartition,
  type LeaseStore,
  PipelineDefinitionError,
  type RepartitionChannel,
} from "@eddy/core";
import { redisLeases } from "@eddy/state";
import { ipcLeaseStore } from "./ipc-lease-store.ts";
import type { LeaseLocation } from "./worker-role.ts";

/**
 * Shards of a repartition stream the app creates (`--create-resources`, the local stack's
 * default): as many as the apps' source streams have (4), so the shuffle takes what the source
 * gives. On AWS the stream is created by you, with the shards you choose.
 */
export const REPARTITION_SHARDS = 4;

/** What {@link appRepartition} builds the job's repartition from. */
export interface AppRepartitionOptions {
  /** The job's name: stage `n`'s lease table in Redis is `<job>/stage-<n>`. */
  readonly job: string;
  /** Where the job's lease table lives. */
  readonly leases: LeaseLocation;
  /** The local stack's or AWS's Kinesis; `undefined` in embedded mode (no Kinesis). */
  readonly kinesis: KinesisClient | undefined;
  /** Whether the app may create the repartition streams (`--create-resources`). */
  readonly createResources: boolean;
}

/**
 * The repartitions of an app's job on several workers (see `docs/repartition.md`): through Kinesis
 * — the local stack's or AWS's, the log the apps already read — one stream per keyed operator that
 * is not co-partitioned with the source, with each stage's lease table (`<job>/stage-<n>`) beside
 * the job's own: in its Redis, or held by the `--workers` supervisor (checkpoints in a directory or
 * S3), which serves a table per stage over its IPC. It costs nothing to a job that needs none: the
 * channel is used only when a keyed operator is not co-partitioned with the source. What cannot
 * work is refused at start, in one line, by the channel's `prepare` (so only for a job that needs
 * a repartition):
 *
 * - embedded mode has no Kinesis: the kit does not shuffle records between its worker processes
 *   itself (a home-made network shuffle is what the repartition design avoids), so it says to use
 *   `--mode local` or one process;
 * - on AWS (no `--create-resources`), a missing stream is named with the command that creates it.
 *
 * The lease stores it opens are closed by `close`.
 *
 * @example
 * const repartition = appRepartition({
 *   job: "clickstream",
 *   leases: { kind: "redis", url: "redis://127.0.0.1:6379" },
 *   kinesis: connections.kinesis,
 *   createResources: true,
 * });
 * const job = pipeline("clickstream", { cluster: { leases, workerId: "host-0", repartition: repartition.repartition } });
 * // ... after the run:
 * await repartition.close();
 * declare const connections: { kinesis: import("@aws-sdk/client-kinesis").KinesisClient };
 * declare const leases: LeaseStore;
 */
export function appRepartition(options: AppRepartitionOptions): {
  readonly repartition: ClusterRepartition;
  close(): Promise<void>;
} {
  const opened: LeaseStore[] = [];
  const { job, leases } = options;
  const channel = options.kinesis
    ? kinesisChannel(options.kinesis, options.createResources)
    : refusingChannel(
        "embedded mode has no Kinesis to repartition through (the kit does not shuffle records between its processes itself): run the workers with --mode local (the local stack) or --mode aws, or run the job in one process without --workers",
      );
  const repartition: ClusterRepartition = {
    channel,
    stageLeases: (stage) => {
      const store =
        leases.kind === "redis"
          ? redisLeases(leases.url, { job: `${job}/stage-${stage}` })
          : ipcLeaseStore(process, { stage });
      opened.push(store);
      return store;
    },
  };
  return {
    repartition,
    close: async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    },
  };
}

/** The start of every refusal: which stream the job needs. */
function needs(stream: string): string {
  return `this job repartitions its records (keyed by something other than its source's partition key) through the stream "${stream}"`;
}

function kinesisChannel(client: KinesisClient, createResources: boolean): RepartitionChannel {
  const channel = kinesisRepartition({
    client,
    ...(createResources ? { createStreams: { shards: REPARTITION_SHARDS } } : {}),
  });
  if (createResources) return channel;
  return {
    ...channel,
    async prepare(stream, signal) {
      try {
        await channel.prepare(stream, signal);
      } catch (error) {
        if (!(error instanceof PipelineDefinitionError)) throw error;
        // The connector's line speaks to a programmer (createStreams); this one to whoever runs the app.
        throw new PipelineDefinitionError(
          `${needs(stream)}, which does not exist: create it before starting the workers (aws kinesis create-stream --stream-name ${stream} --shard-count ${REPARTITION_SHARDS}); the app creates streams only on the local stack (--create-resources)`,
        );
      }
    },
  };
}

/** A channel that refuses at `prepare`: only a job that needs a repartition ever calls it. */
function refusingChannel(reason: string): RepartitionChannel {
  const refuse = (stream: string) => new PipelineDefinitionError(`${needs(stream)}, but ${reason}`);
  return {
    description: "no repartition channel",
    prepare: (stream) => Promise.reject(refuse(stream)),
    writer: (stream) => {
      throw refuse(stream);
    },
    // Asked for by `job.describe()` too, which only lists the stages: reading it is what refuses.
    reader: (stream) => ({
      name: `kinesis(${stream})`,
      bounded: false,
      listSplits: () => Promise.reject(refuse(stream)),
      open: () => {
        throw refuse(stream);
      },
    }),
  };
}
