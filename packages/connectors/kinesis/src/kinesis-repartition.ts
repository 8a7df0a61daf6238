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

/** PutRecords takes at most this many entries, */
const MAX_PUT_ENTRIES = 500;
/** this many bytes of data and partition keys, */
const MAX_PUT_BYTES = 5 * 1024 * 1024;
/** and entries of at most this many bytes each. */
const MAX_ENTRY_BYTES = 1024 * 1024;
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

/** One entry of a repartition stream's PutRecords call, and whether it is (a shard's copy of) a marker. */
export interface OrderedEntry {
  readonly entry: PutEntry;
  readonly marker: boolean;
}

/**
 * What to put again after a PutRecords call stored all but the entries at `failed`: the failed
 * entries and every marker after the first failed one, in their order. Kinesis keeps the order of
 * one call's stored entries in a shard: a marker stored after one that failed (an `active` after
 * an `idle` of the same split) would precede it once it is put again. Records need no such care:
 * a marker never shares a call with a record it speaks about (see `RepartitionStreamWriter`).
 *
 * @example
 * entriesToPutAgain([m1, m2, r1, r2], new Set([0, 3])); // [m1, m2, r2]
 * declare const m1: OrderedEntry, m2: OrderedEntry, r1: OrderedEntry, r2: OrderedEntry;
 */
export function entriesToPutAgain(
  entries: readonly OrderedEntry[],
  failed: ReadonlySet<number>,
): OrderedEntry[] {
  const first = Math.min(...failed);
  return entries.filter((entry, i) => failed.has(i) || (i > first && entry.marker));
}

/** The PutRecords calls `entries` take, in order, within Kinesis' limits of entries and bytes per call. */
export function putRecordsCalls(entries: readonly OrderedEntry[], stream: string): OrderedEntry[][] {
  const calls: OrderedEntry[][] = [];
  let call: OrderedEntry[] = [];
  let bytes = 0;
  for (const ordered of entries) {
    const size = ordered.entry.data.byteLength + Buffer.byteLength(ordered.entry.partitionKey);
    if (size > MAX_ENTRY_BYTES) {
      throw new Error(
        `repartition stream ${stream}: a ${ordered.marker ? "marker" : "record"} of ${size} bytes exceeds Kinesis' ${MAX_ENTRY_BYTES} bytes per record`,
      );
    }
    if (call.length === MAX_PUT_ENTRIES || bytes + size > MAX_PUT_BYTES) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push(ordered);
    bytes += size;
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

/**
 * Writes `stream`: a write's records and markers go in as few PutRecords calls as Kinesis' limits
 * allow, and each call's entries are all stored (failed ones put again, with the markers after
 * them) before the next call.
 */
export function kinesisStreamWriter(
  stream: string,
  keyGroups: number,
  proxy: StreamProxy,
  context: { readonly retry: ReturnType<typeof resolveRetry>; readonly clock: Clock },
): RepartitionStreamWriter {
  let shards: { readonly open: readonly ShardInfo[]; readonly at: number } | undefined;
  const putInOrder = async (entries: readonly OrderedEntry[]) => {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      const sent = pending;
      const failures = await retryCall(
        `PutRecords to ${stream}`,
        () =>
          proxy.putRecords(
            stream,
            sent.map((ordered) => ordered.entry),
          ),
        context,
      );
      if (failures.length === 0) return;
      if (attempt >= context.retry.maxAttempts) {
        const first = failures[0]!;
        throw new Error(
          `PutRecords to ${stream}: ${failures.length} entries still failed after ${attempt} attempts (${first.errorCode}: ${first.errorMessage})`,
        );
      }
      pending = entriesToPutAgain(sent, new Set(failures.map((failure) => failure.index)));
      await sleep(
        context.clock,
        Math.min(context.retry.maxBackoffMS, context.retry.initialBackoffMS * 2 ** attempt),
      );
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
    async write(messages: readonly RepartitionMessage[]) {
      const entries: OrderedEntry[] = [];
      let open: readonly ShardInfo[] | undefined;
      for (const { data, keyGroup } of messages) {
        if (keyGroup !== undefined) {
          const explicitHashKey = keyGroupPoint(keyGroup, keyGroups);
          entries.push({ entry: { data, partitionKey: String(keyGroup), explicitHashKey }, marker: false });
          continue;
        }
        open ??= await openShards();
        for (const shard of open) {
          const entry = { data, partitionKey: "marker", explicitHashKey: shard.startingHashKey };
          entries.push({ entry, marker: true });
        }
      }
      for (const call of putRecordsCalls(entries, stream)) await putInOrder(call);
    },
    close() {
      proxy.close();
    },
  };
}
