import { FirehoseClient, type FirehoseClientConfig, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import type { BatchResult, BatchSubmitter } from "@eddy/core";
import { isRetryableFirehoseError } from "./firehose-error-classifier.ts";

/**
 * The one place the sink talks to Firehose: PutRecordBatch, with the records the response reports
 * failed (`FailedPutCount` > 0, an `ErrorCode` per record) handed back for a retry.
 */
export class FirehoseBatchSubmitter implements BatchSubmitter<Uint8Array> {
  readonly #client: FirehoseClient;
  readonly #owned: boolean;

  constructor(
    private readonly deliveryStreamName: string,
    client: FirehoseClient | FirehoseClientConfig | undefined,
  ) {
    this.#owned = !(client instanceof FirehoseClient);
    this.#client = client instanceof FirehoseClient ? client : new FirehoseClient(client ?? {});
  }

  async submit(records: readonly Uint8Array[]): Promise<BatchResult<Uint8Array>> {
    const response = await this.#client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: this.deliveryStreamName,
        Records: records.map((Data) => ({ Data })),
      }),
    );
    if (!response.FailedPutCount) return { failed: [] };
    const answers = response.RequestResponses ?? [];
    const failed: Uint8Array[] = [];
    let reason: string | undefined;
    for (let i = 0; i < records.length; i++) {
      const answer = answers[i];
      // A response shorter than the request says nothing about the rest: send them again.
      if (answer === undefined || answer.ErrorCode !== undefined) {
        failed.push(records[i]!);
        reason ??= `${answer?.ErrorCode ?? "missing response"}: ${answer?.ErrorMessage ?? ""}`;
      }
    }
    return { failed, reason: `${response.FailedPutCount} of ${records.length} records failed (${reason})` };
  }

  isRetryable(error: unknown): boolean {
    return isRetryableFirehoseError(error);
  }

  destroy(): void {
    if (this.#owned) this.#client.destroy();
  }
}
