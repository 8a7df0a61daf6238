import {
  type _Record,
  CreateStreamCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  type DescribeStreamConsumerCommandOutput,
  DescribeStreamSummaryCommand,
  type DescribeStreamSummaryCommandOutput,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandOutput,
  KinesisClient,
  type KinesisClientConfig,
  ListShardsCommand,
  type ListShardsCommandOutput,
  MergeShardsCommand,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
  RegisterStreamConsumerCommand,
  type RegisterStreamConsumerCommandOutput,
  SplitShardCommand,
  type StartingPosition,
  SubscribeToShardCommand,
  type SubscribeToShardCommandOutput,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";
import { type AwsSdkClient, DEFAULT_RETRY, isAwsSdkClient, systemClock } from "@eddy/core";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { retryCall } from "./retry.ts";

/**
 * The only file of this package that talks to `@aws-sdk/client-kinesis` (like Flink's
 * `StreamProxy`): everything else speaks the small, SDK-free types below, so readers, writers and
 * tests never depend on the SDK's shapes. Eddy retries, the SDK does not: a client built here has
 * `maxAttempts: 1`; a client the user passes is used as given.
 */

/**
 * Settings for the Kinesis client Eddy builds: the SDK's client configuration (region,
 * credentials, endpoint…), plus the HTTP version for `SubscribeToShard`. Request/response calls use
 * HTTP/1.1 keep-alive, which AWS and every local stand-in accept; AWS requires HTTP/2 for
 * `SubscribeToShard` (the default), while some stand-ins stream its events only over HTTP/1.1.
 * The client is built with `maxAttempts: 1`: Eddy's retry policy is the one that counts.
 *
 * @example
 * const connection: KinesisConnection = { region: "eu-west-1" };
 * const local: KinesisConnection = {
 *   region: "us-east-1",
 *   endpoint: "http://127.0.0.1:4568",
 *   credentials: { accessKeyId: "local", secretAccessKey: "local" },
 *   subscribeHttpVersion: "1.1",
 * };
 */
export type KinesisConnection = Omit<KinesisClientConfig, "maxAttempts"> & {
  /** HTTP version of `SubscribeToShard` (enhanced fan-out): `2` (default, what AWS requires) or `1.1`. */
  readonly subscribeHttpVersion?: "2" | "1.1";
};

/** A shard as listed by `ListShards` or announced as a child at the end of its parent. */
export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  readonly startingHashKey: string;
  readonly endingHashKey: string;
  /** The shard was closed by a split or merge: it has an ending sequence number. */
  readonly closed: boolean;
}

/** A record as stored in the stream (possibly a KPL aggregate of several user records). */
export interface KinesisRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  readonly explicitHashKey: string | undefined;
  /** `ApproximateArrivalTimestamp` in epoch milliseconds. */
  readonly arrivalTime: number;
}

/** Where a shard iterator or a subscription starts. */
export type IteratorStart =
  | { readonly type: "TRIM_HORIZON" | "LATEST" }
  | { readonly type: "AT_TIMESTAMP"; readonly timestamp: number }
  | { readonly type: "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER"; readonly sequenceNumber: string };

export interface GetRecordsResult {
  readonly records: readonly KinesisRecord[];
  /** Absent once a closed shard has been read to its end. */
  readonly nextIterator: string | undefined;
  readonly millisBehindLatest: number | undefined;
  /** Announced at the end of a closed shard (not by every stand-in). */
  readonly childShards: readonly ShardInfo[] | undefined;
}

export interface SubscriptionEvent {
  readonly records: readonly KinesisRecord[];
  /** Absent once the shard has been read to its end. */
  readonly continuationSequenceNumber: string | undefined;
  readonly millisBehindLatest: number | undefined;
  readonly childShards: readonly ShardInfo[] | undefined;
}

export interface PutEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey?: string | undefined;
}

/** Entries of a `PutRecords` call that Kinesis did not store, by index in the request. */
export interface PutRecordsFailure {
  readonly index: number;
  readonly errorCode: string;
  readonly errorMessage: string;
}

export type ConsumerStatus = "CREATING" | "DELETING" | "ACTIVE";

export interface StreamConsumer {
  readonly arn: string;
  readonly status: ConsumerStatus;
}

/**
 * What the source and the sink need from Kinesis: the one seam between the connector and the AWS
 * SDK. The SDK's own retries are off; callers apply the connector's retry policy.
 *
 * @example
 * const proxy: StreamProxy = createStreamProxy({ region: "eu-west-1" });
 * const shards = await proxy.listShards("fx-ticks");
 * console.log(shards.map((s) => `${s.shardId}${s.closed ? " (closed)" : ""}`));
 * proxy.close();
 */
export interface StreamProxy {
  /** Every shard of the stream (`ListShards`, all pages), open and closed. */
  listShards(stream: string, signal?: AbortSignal): Promise<ShardInfo[]>;
  /** A shard iterator at `start` (`GetShardIterator`). */
  getShardIterator(
    stream: string,
    shardId: string,
    start: IteratorStart,
    signal?: AbortSignal,
  ): Promise<string>;
  /** One `GetRecords` call: records, the next iterator, and child shards at the end of a closed shard. */
  getRecords(iterator: string, limit: number, signal?: AbortSignal): Promise<GetRecordsResult>;
  /** One `PutRecords` call; resolves with the entries Kinesis rejected (empty when all were written). */
  putRecords(stream: string, entries: readonly PutEntry[]): Promise<PutRecordsFailure[]>;
  /** The stream's ARN (`DescribeStreamSummary`). */
  streamArn(stream: string, signal?: AbortSignal): Promise<string>;
  /** Registers an enhanced fan-out consumer. */
  registerConsumer(streamArn: string, name: string, signal?: AbortSignal): Promise<StreamConsumer>;
  /** An enhanced fan-out consumer's ARN and status. */
  describeConsumer(streamArn: string, name: string, signal?: AbortSignal): Promise<StreamConsumer>;
  /** Deregisters an enhanced fan-out consumer. */
  deregisterConsumer(consumerArn: string): Promise<void>;
  /** Events of one subscription (Kinesis ends it after about five minutes). */
  subscribeToShard(
    consumerArn: string,
    shardId: string,
    start: IteratorStart,
    signal: AbortSignal,
  ): Promise<AsyncIterable<SubscriptionEvent>>;
  /** Releases the SDK client's connections. */
  close(): void;
}

/**
 * Stream administration, for tests, benchmarks and examples. Throttled and transient failures are
 * retried with core's `DEFAULT_RETRY` on the wall clock (administration runs outside a job).
 *
 * @example
 * const admin: StreamAdmin = createStreamAdmin({ region: "us-east-1", endpoint: "http://127.0.0.1:4567" });
 * await admin.createStream("fx-ticks", 2);
 * await admin.waitUntilActive("fx-ticks");
 * admin.close();
 */
export interface StreamAdmin {
  /** Creates a provisioned stream with `shardCount` shards. */
  createStream(stream: string, shardCount: number): Promise<void>;
  /** Deletes a stream. */
  deleteStream(stream: string): Promise<void>;
  /**
   * Resolves once the stream is `ACTIVE` (the SDK's `waitUntilStreamExists`: a stream not created
   * yet is waited for too); rejects after `timeoutMs`.
   */
  waitUntilActive(stream: string, timeoutMs?: number): Promise<void>;
  /** Splits a shard at `newStartingHashKey` (resharding). */
  splitShard(stream: string, shardId: string, newStartingHashKey: string): Promise<void>;
  /** Merges two adjacent shards (resharding). */
  mergeShards(stream: string, shardId: string, adjacentShardId: string): Promise<void>;
  /** Releases the SDK client's connections. */
  close(): void;
}

const streamParams = (stream: string) =>
  stream.startsWith("arn:") ? { StreamARN: stream } : { StreamName: stream };

const EMPTY = new Uint8Array(0);

function toRecord(r: _Record): KinesisRecord {
  return {
    data: r.Data ?? EMPTY,
    partitionKey: r.PartitionKey ?? "",
    sequenceNumber: r.SequenceNumber ?? "",
    explicitHashKey: undefined,
    arrivalTime: r.ApproximateArrivalTimestamp?.getTime() ?? Number.NaN,
  };
}

function toStart(start: IteratorStart): StartingPosition {
  switch (start.type) {
    case "AT_TIMESTAMP":
      return { Type: start.type, Timestamp: new Date(start.timestamp) };
    case "AT_SEQUENCE_NUMBER":
    case "AFTER_SEQUENCE_NUMBER":
      return { Type: start.type, SequenceNumber: start.sequenceNumber };
    default:
      return { Type: start.type };
  }
}

interface SdkChildShard {
  ShardId: string | undefined;
  ParentShards: string[] | undefined;
  HashKeyRange: { StartingHashKey: string | undefined; EndingHashKey: string | undefined } | undefined;
}

function toChildren(children: SdkChildShard[] | undefined): ShardInfo[] | undefined {
  if (!children || children.length === 0) return undefined;
  return children.map((c) => ({
    shardId: c.ShardId ?? "",
    parentShardIds: c.ParentShards ?? [],
    startingHashKey: c.HashKeyRange?.StartingHashKey ?? "0",
    endingHashKey: c.HashKeyRange?.EndingHashKey ?? "0",
    closed: false,
  }));
}

function clientConfig(connection: KinesisConnection): KinesisClientConfig {
  const { subscribeHttpVersion: _, ...config } = connection;
  return { ...config, maxAttempts: 1 };
}

/**
 * Where the source and sink get their Kinesis client: the user's `client`, used as given (checked
 * by shape, never `instanceof`), or one Eddy builds from the deprecated `connection` settings (or
 * the SDK's default chain).
 *
 * @example
 * import { KinesisClient } from "@aws-sdk/client-kinesis";
 * const access: KinesisClientOptions = { client: new KinesisClient({ region: "eu-west-1", maxAttempts: 1 }) };
 */
export interface KinesisClientOptions {
  /**
   * The AWS SDK v3 `KinesisClient` to use, as given: its region, credentials, endpoint, HTTP
   * handler and retry settings. Eddy retries every call itself, so the client's own attempts run
   * inside each of Eddy's: build it with `maxAttempts: 1` to keep them from multiplying. Accepted
   * by shape, so a client from another copy of the SDK works. Not closed by Eddy. Default: a client
   * Eddy builds (SDK default chain, `maxAttempts: 1`) and closes.
   */
  readonly client?: AwsSdkClient;
  /**
   * Settings for the client Eddy builds when no `client` is given.
   * @deprecated Build a `KinesisClient` (with `maxAttempts: 1`) and pass it as `client`.
   */
  readonly connection?: KinesisConnection;
}

/** The proxy for a source's or sink's `client` / `connection` options; `where` names it in errors. */
export function streamProxyFor(options: KinesisClientOptions, where: string): StreamProxy {
  if (options.client === undefined) return createStreamProxy(options.connection);
  if (options.connection !== undefined) {
    throw new TypeError(
      `${where}: give client or connection, not both (connection configures a client Eddy builds)`,
    );
  }
  if (!isAwsSdkClient(options.client, "Kinesis", where)) {
    throw new TypeError(
      `${where}: client must be an AWS SDK v3 KinesisClient; settings for a client Eddy builds go in connection`,
    );
  }
  return createStreamProxy(options.client);
}

/**
 * Creates the SDK-backed {@link StreamProxy}: over `client` as given (an AWS SDK v3
 * `KinesisClient`, recognized by its shape; not destroyed by `close`), or over a client built from
 * connection settings (with `maxAttempts: 1`; destroyed by `close`).
 *
 * @example
 * const proxy = createStreamProxy({ region: "eu-west-1" });
 * const arn = await proxy.streamArn("fx-ticks");
 * proxy.close();
 */
export function createStreamProxy(from: KinesisConnection | AwsSdkClient = {}): StreamProxy {
  const given = isAwsSdkClient(from, "Kinesis", "createStreamProxy") ? from : undefined;
  const connection = given ? {} : (from as KinesisConnection);
  const base = clientConfig(connection);
  const client: AwsSdkClient =
    given ??
    new KinesisClient({ requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000 }), ...base });
  let subscriber: AwsSdkClient | undefined;
  // A given client subscribes too: its own handler decides the HTTP version.
  const subscribeClient = (): AwsSdkClient => {
    subscriber ??=
      given ??
      (connection.subscribeHttpVersion === "1.1"
        ? new KinesisClient({ ...base, requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000 }) })
        : new KinesisClient({ ...base, requestHandler: undefined }));
    return subscriber;
  };

  return {
    async listShards(stream, signal) {
      const shards: ShardInfo[] = [];
      let nextToken: string | undefined;
      do {
        const page = (await client.send(
          new ListShardsCommand(nextToken ? { NextToken: nextToken } : streamParams(stream)),
          { abortSignal: signal },
        )) as ListShardsCommandOutput;
        for (const s of page.Shards ?? []) {
          const parents: string[] = [];
          if (s.ParentShardId) parents.push(s.ParentShardId);
          if (s.AdjacentParentShardId) parents.push(s.AdjacentParentShardId);
          shards.push({
            shardId: s.ShardId ?? "",
            parentShardIds: parents,
            startingHashKey: s.HashKeyRange?.StartingHashKey ?? "0",
            endingHashKey: s.HashKeyRange?.EndingHashKey ?? "0",
            closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
      return shards;
    },

    async getShardIterator(stream, shardId, start, signal) {
      const position = toStart(start);
      const out = (await client.send(
        new GetShardIteratorCommand({
          ...streamParams(stream),
          ShardId: shardId,
          ShardIteratorType: position.Type,
          StartingSequenceNumber: position.SequenceNumber,
          Timestamp: position.Timestamp,
        }),
        { abortSignal: signal },
      )) as GetShardIteratorCommandOutput;
      if (!out.ShardIterator) throw new Error(`GetShardIterator returned no iterator for ${shardId}`);
      return out.ShardIterator;
    },

    async getRecords(iterator, limit, signal) {
      const out = (await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), {
        abortSignal: signal,
      })) as GetRecordsCommandOutput;
      return {
        records: (out.Records ?? []).map(toRecord),
        nextIterator: out.NextShardIterator ?? undefined,
        millisBehindLatest: out.MillisBehindLatest,
        childShards: toChildren(out.ChildShards),
      };
    },

    async putRecords(stream, entries) {
      const out = (await client.send(
        new PutRecordsCommand({
          ...streamParams(stream),
          Records: entries.map((e) => ({
            Data: e.data,
            PartitionKey: e.partitionKey,
            ExplicitHashKey: e.explicitHashKey,
          })),
        }),
      )) as PutRecordsCommandOutput;
      const failures: PutRecordsFailure[] = [];
      if (!out.FailedRecordCount) return failures;
      const results = out.Records ?? [];
      for (let i = 0; i < results.length; i++) {
        const r = results[i]!;
        if (r.ErrorCode)
          failures.push({ index: i, errorCode: r.ErrorCode, errorMessage: r.ErrorMessage ?? "" });
      }
      return failures;
    },

    async streamArn(stream, signal) {
      if (stream.startsWith("arn:")) return stream;
      const out = (await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }), {
        abortSignal: signal,
      })) as DescribeStreamSummaryCommandOutput;
      const arn = out.StreamDescriptionSummary?.StreamARN;
      if (!arn) throw new Error(`DescribeStreamSummary returned no ARN for stream ${stream}`);
      return arn;
    },

    async registerConsumer(streamArn, name, signal) {
      const out = (await client.send(
        new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }),
        { abortSignal: signal },
      )) as RegisterStreamConsumerCommandOutput;
      return {
        arn: out.Consumer?.ConsumerARN ?? "",
        status: (out.Consumer?.ConsumerStatus ?? "CREATING") as ConsumerStatus,
      };
    },

    async describeConsumer(streamArn, name, signal) {
      const out = (await client.send(
        new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }),
        { abortSignal: signal },
      )) as DescribeStreamConsumerCommandOutput;
      const d = out.ConsumerDescription;
      return { arn: d?.ConsumerARN ?? "", status: (d?.ConsumerStatus ?? "CREATING") as ConsumerStatus };
    },

    async deregisterConsumer(consumerArn) {
      await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    },

    async subscribeToShard(consumerArn, shardId, start, signal) {
      const out = (await subscribeClient().send(
        new SubscribeToShardCommand({
          ConsumerARN: consumerArn,
          ShardId: shardId,
          StartingPosition: toStart(start),
        }),
        { abortSignal: signal },
      )) as SubscribeToShardCommandOutput;
      const stream = out.EventStream;
      return {
        async *[Symbol.asyncIterator]() {
          if (!stream) return;
          for await (const event of stream) {
            const e = event.SubscribeToShardEvent;
            if (e) {
              yield {
                records: (e.Records ?? []).map(toRecord),
                continuationSequenceNumber: e.ContinuationSequenceNumber ?? undefined,
                millisBehindLatest: e.MillisBehindLatest,
                childShards: toChildren(e.ChildShards),
              };
              continue;
            }
            // Errors travel inside the event stream as members; rethrow them as the exceptions they are.
            const failure =
              event.ResourceInUseException ??
              event.ResourceNotFoundException ??
              event.KMSThrottlingException ??
              event.InternalFailureException ??
              event.KMSAccessDeniedException ??
              event.KMSDisabledException ??
              event.KMSInvalidStateException ??
              event.KMSNotFoundException ??
              event.KMSOptInRequired;
            if (failure) throw failure;
          }
        },
      };
    },

    close() {
      if (given) return;
      client.destroy();
      subscriber?.destroy();
    },
  };
}

/**
 * Creates the SDK-backed {@link StreamAdmin}: over `client` as given (an AWS SDK v3
 * `KinesisClient`, recognized by its shape; not destroyed by `close`), or over a client built from
 * connection settings (destroyed by `close`).
 *
 * @example
 * import { KinesisClient } from "@aws-sdk/client-kinesis";
 * const admin = createStreamAdmin(new KinesisClient({ region: "eu-west-1" }));
 * await admin.deleteStream("scratch-stream");
 * admin.close();
 */
export function createStreamAdmin(from: KinesisConnection | AwsSdkClient = {}): StreamAdmin {
  const given = isAwsSdkClient(from, "Kinesis", "createStreamAdmin") ? from : undefined;
  const client: AwsSdkClient =
    given ??
    new KinesisClient({
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000 }),
      ...clientConfig(from as KinesisConnection),
    });
  // Administration runs outside a job: core's retry policy on the wall clock.
  const call = <R>(operation: string, send: () => Promise<R>): Promise<R> =>
    retryCall(operation, send, { clock: systemClock, retry: DEFAULT_RETRY });
  const admin: StreamAdmin = {
    async createStream(stream, shardCount) {
      await call(`CreateStream ${stream}`, () =>
        client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shardCount })),
      );
      await admin.waitUntilActive(stream);
    },
    async deleteStream(stream) {
      await call(`DeleteStream ${stream}`, () =>
        client.send(new DeleteStreamCommand({ StreamName: stream, EnforceConsumerDeletion: true })),
      );
    },
    async waitUntilActive(stream, timeoutMs = 30_000) {
      // The SDK's waiter (DescribeStream until ACTIVE, failed calls retried). It looks at once; the
      // stand-ins create and reshard within milliseconds, hence a first delay far below its 10 s.
      try {
        await waitUntilStreamExists(
          { client: client as KinesisClient, minDelay: 0.02, maxDelay: 1, maxWaitTime: timeoutMs / 1_000 },
          { StreamName: stream },
        );
      } catch (error) {
        throw new Error(`stream ${stream} did not become ACTIVE in ${timeoutMs} ms`, { cause: error });
      }
    },
    async splitShard(stream, shardId, newStartingHashKey) {
      await call(`SplitShard ${stream}/${shardId}`, () =>
        client.send(
          new SplitShardCommand({
            StreamName: stream,
            ShardToSplit: shardId,
            NewStartingHashKey: newStartingHashKey,
          }),
        ),
      );
      await admin.waitUntilActive(stream);
    },
    async mergeShards(stream, shardId, adjacentShardId) {
      await call(`MergeShards ${stream}/${shardId}`, () =>
        client.send(
          new MergeShardsCommand({
            StreamName: stream,
            ShardToMerge: shardId,
            AdjacentShardToMerge: adjacentShardId,
          }),
        ),
      );
      await admin.waitUntilActive(stream);
    },
    close() {
      if (!given) client.destroy();
    },
  };
  return admin;
}
