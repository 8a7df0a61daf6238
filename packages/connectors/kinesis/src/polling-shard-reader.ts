import { sleep } from "@eddy/core";
import { classifyError } from "./errors.ts";
import type { IteratorStart } from "./kinesis-client.ts";
import { retryCall } from "./retry.ts";
import type { ShardPosition } from "./shard-position.ts";
import { ShardProgress, type ShardReaderContext } from "./shard-reader.ts";
import type { ShardToRead } from "./shard-tracker.ts";

/** Polling options of one shard reader. */
export interface PollingOptions {
  readonly maxRecordCount: number;
  readonly intervalMs: number;
}

/**
 * Reads one shard with GetShardIterator/GetRecords until its end: at most one call per
 * `intervalMs`, throttling and transient errors retried with backoff (bounded), an expired
 * iterator replaced by one after the last record consumed.
 */
export async function readShardByPolling<T>(
  context: ShardReaderContext<T>,
  shard: ShardToRead,
  options: PollingOptions,
): Promise<void> {
  const { proxy, stream, clock, signal } = context;
  const progress = new ShardProgress(context, shard);
  const retry = { clock, retry: context.retry, signal, onRetry: progress.countRetry };
  const label = `${stream}/${shard.shardId}`;
  const iteratorAt = (start: IteratorStart) =>
    retryCall(
      `GetShardIterator on ${label}`,
      () => proxy.getShardIterator(stream, shard.shardId, start, signal),
      retry,
    );

  let consumed: ShardPosition | undefined;
  let iterator = await iteratorAt(shard.start.iterator);
  let lastCallAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    const room = progress.room();
    if (room) await room;
    if (signal.aborted) return;
    const wait = lastCallAt + options.intervalMs - clock.now();
    if (wait > 0) await sleep(clock, wait, signal);
    lastCallAt = clock.now();
    let result: Awaited<ReturnType<typeof proxy.getRecords>>;
    try {
      const current = iterator;
      result = await retryCall(
        `GetRecords on ${label}`,
        () => proxy.getRecords(current, options.maxRecordCount, signal),
        retry,
      );
    } catch (error) {
      if (classifyError(error) !== "expired-iterator" || signal.aborted) throw error;
      // Iterators live five minutes: a reader held back that long by backpressure needs a new one.
      iterator = await iteratorAt(
        consumed?.kind === "sequence"
          ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: consumed.sequenceNumber }
          : shard.start.iterator,
      );
      continue;
    }
    if (progress.accept(result.records, result.millisBehindLatest)) {
      const last = result.records[result.records.length - 1]!;
      consumed = {
        kind: "sequence",
        sequenceNumber: last.sequenceNumber,
        subSequenceNumber: 0,
        complete: true,
      };
    }
    if (result.nextIterator === undefined) {
      progress.finish(result.childShards);
      return;
    }
    iterator = result.nextIterator;
  }
}
