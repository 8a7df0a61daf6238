import { backoffDelay, sleep } from "@eddy/core";
import { classifyError, KinesisRetriesExhaustedError } from "./errors.ts";
import type { IteratorStart, ShardInfo, SubscriptionEvent } from "./kinesis-client.ts";
import { retryCall } from "./retry.ts";
import { ShardProgress, type ShardReaderContext } from "./shard-reader.ts";
import type { ShardToRead } from "./shard-tracker.ts";

/** Fan-out options of one shard reader. */
export interface FanOutOptions {
  readonly consumerArn: () => Promise<string>;
  readonly subscriptionTimeoutMs: number;
}

/**
 * Reads one shard with enhanced fan-out until its end. A subscription lasts about five minutes;
 * the reader then subscribes again after the last continuation sequence number. Failed or refused
 * subscriptions (`ResourceInUseException` while a previous one is still open, `LimitExceeded`,
 * network errors) are retried with backoff and jitter, bounded by `retry.maxAttempts` in a row.
 */
export async function readShardByFanOut<T>(
  context: ShardReaderContext<T>,
  shard: ShardToRead,
  options: FanOutOptions,
): Promise<void> {
  const { proxy, clock, signal } = context;
  const progress = new ShardProgress(context, shard);
  const label = `SubscribeToShard on ${context.stream}/${shard.shardId}`;
  let start: IteratorStart = shard.start.iterator;
  let failures = 0;
  for (;;) {
    if (signal.aborted) return;
    const subscription = new AbortController();
    const onAbort = () => subscription.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const consumerArn = await options.consumerArn();
      const timer = clock.schedule(clock.now() + options.subscriptionTimeoutMs, () =>
        subscription.abort(new Error(`${label} did not answer in ${options.subscriptionTimeoutMs} ms`)),
      );
      let events: AsyncIterable<SubscriptionEvent>;
      try {
        events = await proxy.subscribeToShard(consumerArn, shard.shardId, start, subscription.signal);
      } finally {
        timer();
      }
      for await (const event of events) {
        failures = 0;
        progress.accept(event.records, event.millisBehindLatest);
        const continuation = event.continuationSequenceNumber;
        if (continuation === undefined || (event.childShards !== undefined && event.records.length === 0)) {
          progress.finish(event.childShards);
          return;
        }
        start = { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: continuation };
        if (
          event.records.length === 0 &&
          (event.millisBehindLatest ?? 0) === 0 &&
          context.isClosed(shard.shardId)
        ) {
          const end = await closedShardEnd(context, shard.shardId, continuation);
          if (end) {
            progress.finish(end.children);
            return;
          }
        }
        const room = progress.room();
        if (room) await room;
      }
      // The subscription ended normally: subscribe again from where it stopped.
    } catch (error) {
      if (signal.aborted) return;
      const kind = classifyError(error);
      const retryable =
        kind === "throttled" || kind === "transient" || kind === "in-use" || subscription.signal.aborted;
      if (!retryable) throw error;
      failures++;
      progress.metrics.retries++;
      if (failures >= context.retry.maxAttempts)
        throw new KinesisRetriesExhaustedError(label, failures, error);
      await sleep(clock, backoffDelay(failures, context.retry), signal);
    } finally {
      signal.removeEventListener("abort", onAbort);
      subscription.abort();
    }
  }
}

/**
 * Whether a closed shard has nothing after `continuation`: AWS ends a subscription to a finished
 * shard with its ChildShards, but some stand-ins keep sending empty events, so a caught-up
 * subscription to a shard listed as closed asks GetRecords once whether the shard has ended.
 */
async function closedShardEnd<T>(
  context: ShardReaderContext<T>,
  shardId: string,
  continuation: string,
): Promise<{ children: readonly ShardInfo[] | undefined } | undefined> {
  const { proxy, stream, signal } = context;
  const retry = { clock: context.clock, retry: context.retry, signal };
  const iterator = await retryCall(
    `GetShardIterator on ${stream}/${shardId}`,
    () =>
      proxy.getShardIterator(
        stream,
        shardId,
        { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: continuation },
        signal,
      ),
    retry,
  );
  const result = await retryCall(
    `GetRecords on ${stream}/${shardId}`,
    () => proxy.getRecords(iterator, 1, signal),
    retry,
  );
  if (result.records.length === 0 && result.nextIterator === undefined)
    return { children: result.childShards };
  return undefined;
}
