import type { BatchResult, BatchSubmitter } from "@eddy/core";
import { classifyError, isInvalidRequest } from "./errors.ts";
import type { StreamProxy } from "./kinesis-client.ts";
import type { KinesisEntry } from "./kinesis-element-converter.ts";

const ALL_WRITTEN: BatchResult<KinesisEntry> = { failed: [] };

/** What the submitter counts, for `sink.metrics()`; kept by the sink across restarts. */
export interface SubmitterCounts {
  /** PutRecords calls made, retries included. */
  requests: number;
  /** Entries handed back for a retry (failed alone, or in a call that failed as a whole). */
  retriedEntries: number;
}

/**
 * The sink's side of the batching seam: one PutRecords call per batch through the
 * {@link StreamProxy}; entries Kinesis reports failed (throttled, internal failure) are handed back
 * to be retried alone, and the calls and retried entries are counted for `sink.metrics()`.
 */
export class KinesisBatchSubmitter implements BatchSubmitter<KinesisEntry> {
  constructor(
    private readonly stream: string,
    private readonly proxy: StreamProxy,
    private readonly counts: SubmitterCounts,
  ) {}

  async submit(entries: readonly KinesisEntry[]): Promise<BatchResult<KinesisEntry>> {
    this.counts.requests++;
    let failures: Awaited<ReturnType<StreamProxy["putRecords"]>>;
    try {
      failures = await this.proxy.putRecords(this.stream, entries);
    } catch (error) {
      if (this.isRetryable(error)) this.counts.retriedEntries += entries.length;
      throw error;
    }
    if (failures.length === 0) return ALL_WRITTEN;
    const failed: KinesisEntry[] = [];
    for (const failure of failures) {
      const entry = entries[failure.index]!;
      // Per-entry KMS errors are the stream's configuration, not the record's: no retry mends them.
      if (classifyError(failure.errorCode) === "fatal") {
        throw new Error(
          `Kinesis refused ${this.describe(entry)}: ${failure.errorCode}: ${failure.errorMessage}`,
        );
      }
      failed.push(entry);
    }
    this.counts.retriedEntries += failed.length;
    const first = failures[0]!;
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : "";
    return { failed, reason: `${first.errorCode}: ${first.errorMessage}${more}` };
  }

  isRetryable(error: unknown): boolean {
    const kind = classifyError(error);
    return kind === "throttled" || kind === "transient";
  }

  isInvalidRequest(error: unknown): boolean {
    return isInvalidRequest(error);
  }

  describe(entry: KinesisEntry): string {
    const key = `partition key "${entry.partitionKey}"`;
    return entry.records > 1
      ? `the KPL aggregate of ${entry.records} records with ${key}`
      : `the record with ${key}`;
  }
}
