import {
  type Clock,
  PipelineDefinitionError,
  type RepartitionChannel,
  type RepartitionMessage,
  type RepartitionStreamWriter,
  type SplitListingContext,
  type SplittableSource,
  sleep,
  systemClock,
} from "@eddy/core";
import { raw } from "./decoders.ts";
import { classifyError } from "./errors.ts";
import { keyGroupPoint } from "./key-group-points.ts";
import {
  createStreamAdmin,
  type KinesisClientOptions,
  type PutEntry,
  type ShardInfo,
  type StreamProxy,
  streamProxyFor,
} from "./kinesis-client.ts";
import { kinesisSource } from "./kinesis-source.ts";
import type { KinesisSourceOptions } from "./options.ts";
import { type KinesisRetryOptions, resolveRetry, retryCall } from "./retry.ts";
import { shardsToSplits } from "./shard-splits.ts";

/** PutRecords takes at most this many entries. */
const MAX_PUT_ENTRIES = 500;
/** How long a writer trusts its list of open shards before listing again for a marker (ms). */
const SHARD_LIST_TTL_MS = 1_000;

/**
 * Options of {@link kinesisRepartition}.
 *
 * @example
 * import { KinesisClient } from "@aws-sdk/client-kinesis";
 * const options: KinesisRepartitionOptions = {
 *   client: new KinesisClient({ region: "eu-west-1", maxAttempts: 1 }),
 *   createStreams: { shards: 4 },
 * };
 */
export interface KinesisRepartitionOptions extends KinesisClientOptions {
  /**
   * Create a repartition stream that does not exist, with this many shards (the job may create
   * resources: local development, or an account where the job's role may `CreateStream`).
   * Without it, a missing stream stops the job at start with one line naming it.
   */
  readonly createStreams?: {
    /** Shards of a stream it creates (size them like the source's). */
    readonly shards: number;
  };
  /** How the repartition streams are read (default: the source's defaults, from `TRIM_HORIZON`). */
  readonly reader?: Pick<
    KinesisSourceOptions<Uint8Array>,
    "getRecordsIntervalMs" | "getRecordsMaxRecordCount" | "shardDiscoveryIntervalMs" | "retry"
  >;
  /** Retries of the writers' calls (core's policy; default `DEFAULT_RETRY`). */
  readonly retry?: KinesisRetryOptions;
  /** Processing time of the writers' backoffs (default the wall clock). */
  readonly clock?: Clock;
}

/**
 * Repartition through Kinesis: a job on several workers whose keyed operator is not
 * co-partitioned with its source writes its records to an intermediate stream
 * (`<job>-<operator>-repartition`) at their key group's point (`ExplicitHashKey`), and reads it
 * back through leases like any Kinesis source (see `docs/repartition.md`). Each record costs one
 * PUT payload unit (up to 25 KB) and adds the stream's latency (a write, then a poll of
 * `getRecordsIntervalMs`).
 *
 * @example
 * const job = pipeline("clicks-per-page", {
 *   checkpoints: { every: seconds(10), store: redisCheckpoints(url) },
 *   cluster: {
 *     leases: redisLeases(url, { job: "clicks-per-page" }),
 *     workerId: process.env.EDDY_WORKER_ID ?? "worker-a",
 *     repartition: {
 *       channel: kinesisRepartition({ client, createStreams: { shards: 2 } }),
 *       stageLeases: (stage) => redisLeases(url, { job: `clicks-per-page/stage-${stage}` }),
 *     },
 *   },
 * });
 * declare const url: string;
 * declare const client: KinesisRepartitionOptions["client"]; // a KinesisClient with maxAttempts: 1
 */
export function kinesisRepartition(options: KinesisRepartitionOptions = {}): RepartitionChannel {
  const where = "kinesisRepartition";
  const retry = resolveRetry(options.retry, where);
  const clock = options.clock ?? systemClock;
  const { createStreams } = options;
  if (createStreams && (!Number.isInteger(createStreams.shards) || createStreams.shards < 1)) {
    throw new PipelineDefinitionError(
      `${where}: createStreams.shards must be an integer >= 1, got ${createStreams.shards}`,
    );
  }
  const openProxy = () => streamProxyFor(options, where);
  return {
    description: "Kinesis",
    async prepare(stream, signal) {
      const proxy = openProxy();
      try {
        await proxy.listShards(stream, signal);
        return;
      } catch (error) {
        if ((error as { name?: string }).name !== "ResourceNotFoundException") throw error;
      } finally {
        proxy.close();
      }
      if (!createStreams) {
        throw new PipelineDefinitionError(
          `the repartition stream "${stream}" does not exist: create it (aws kinesis create-stream --stream-name ${stream} --shard-count N), or let the job create it (kinesisRepartition({ createStreams: { shards: N } }))`,
        );
      }
      const admin = createStreamAdmin(options.client ?? options.connection);
      try {
        await admin.createStream(stream, createStreams.shards).catch(async (error: unknown) => {
          // Another worker created it first.
          if (
            classifyError(error) !== "in-use" &&
            (error as { name?: string }).name !== "ResourceInUseException"
          ) {
            throw error;
          }
          await admin.waitUntilActive(stream);
        });
      } finally {
        admin.close();
      }
    },
    writer(stream, keyGroups) {
      return kinesisStreamWriter(stream, keyGroups, openProxy(), { retry, clock });
    },
    reader(stream) {
      const source = kinesisSource({
        ...options.reader,
        ...(options.client ? { client: options.client } : { connection: options.connection }),
        stream,
        decode: raw(),
        initialPosition: "TRIM_HORIZON",
      });
      const reader: SplittableSource<Uint8Array> = {
        name: source.name,
        bounded: false,
        async listSplits(context: SplitListingContext) {
          const proxy = openProxy();
          try {
            const shards = await retryCall(
              `ListShards of ${stream}`,
              () => proxy.listShards(stream, context.signal),
              {
                clock,
                retry,
                signal: context.signal,
              },
            );
            // Written at key group points: each shard carries the key groups of its range.
            return shardsToSplits(shards, context.keyGroups, true);
          } finally {
            proxy.close();
          }
        },
        open: (context) => source.open(context),
      };
      return reader;
    },
  };
}

/** Writes `stream` in order: each call's entries are all stored (failed ones put again) before it resolves. */
function kinesisStreamWriter(
  stream: string,
  keyGroups: number,
  proxy: StreamProxy,
  context: { readonly retry: ReturnType<typeof resolveRetry>; readonly clock: Clock },
): RepartitionStreamWriter {
  let shards: { readonly open: readonly ShardInfo[]; readonly at: number } | undefined;
  const putAll = async (entries: readonly PutEntry[]) => {
    for (let from = 0; from < entries.length; from += MAX_PUT_ENTRIES) {
      let pending = entries.slice(from, from + MAX_PUT_ENTRIES);
      for (let attempt = 1; pending.length > 0; attempt++) {
        const failures = await retryCall(
          `PutRecords to ${stream}`,
          () => proxy.putRecords(stream, pending),
          context,
        );
        if (failures.length === 0) break;
        if (attempt >= context.retry.maxAttempts) {
          const first = failures[0]!;
          throw new Error(
            `PutRecords to ${stream}: ${failures.length} entries still failed after ${attempt} attempts (${first.errorCode}: ${first.errorMessage})`,
          );
        }
        pending = failures.map((failure) => pending[failure.index]!);
        await sleep(
          context.clock,
          Math.min(context.retry.maxBackoffMS, context.retry.initialBackoffMS * 2 ** attempt),
        );
      }
    }
  };
  const openShards = async () => {
    const now = context.clock.now();
    if (!shards || now - shards.at > SHARD_LIST_TTL_MS) {
      const listed = await retryCall(`ListShards of ${stream}`, () => proxy.listShards(stream), context);
      shards = { open: listed.filter((shard) => !shard.closed), at: now };
    }
    return shards.open;
  };
  return {
    put(messages: readonly RepartitionMessage[]) {
      return putAll(
        messages.map((message) => ({
          data: message.data,
          partitionKey: String(message.keyGroup),
          explicitHashKey: keyGroupPoint(message.keyGroup!, keyGroups),
        })),
      );
    },
    async broadcast(data) {
      const open = await openShards();
      await putAll(
        open.map((shard) => ({ data, partitionKey: "marker", explicitHashKey: shard.startingHashKey })),
      );
    },
    close() {
      proxy.close();
    },
  };
}
