import type { BatchResult, BatchSubmitter } from "@eddy/core";
import type { FirehoseProxy } from "./firehose-client.ts";
import { isRetryableFirehoseError } from "./firehose-error-classifier.ts";

const ALL_WRITTEN: BatchResult<Uint8Array> = { failed: [] };

/**
 * The sink's side of the batching seam: one PutRecordBatch call per batch; the records Firehose
 * reports failed (`FailedPutCount` > 0, an `ErrorCode` per record) are handed back to be retried
 * alone.
 */
export class FirehoseBatchSubmitter implements BatchSubmitter<Uint8Array> {
  constructor(
    private readonly deliveryStreamName: string,
    private readonly proxy: FirehoseProxy,
  ) {}

  async submit(records: readonly Uint8Array[]): Promise<BatchResult<Uint8Array>> {
    const failures = await this.proxy.putRecordBatch(this.deliveryStreamName, records);
    if (failures.length === 0) return ALL_WRITTEN;
    const first = failures[0]!;
    return {
      failed: failures.map((f) => records[f.index]!),
      reason: `${failures.length} of ${records.length} records failed (${first.errorCode}: ${first.errorMessage})`,
    };
  }

  isRetryable(error: unknown): boolean {
    return isRetryableFirehoseError(error);
  }

  describe(record: Uint8Array): string {
    return `a record of ${record.byteLength} bytes`;
  }
}
