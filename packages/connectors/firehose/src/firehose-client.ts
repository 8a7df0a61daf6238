import {
  FirehoseClient,
  type FirehoseClientConfig,
  PutRecordBatchCommand,
  type PutRecordBatchCommandOutput,
} from "@aws-sdk/client-firehose";
import { type AwsSdkClient, isAwsSdkClient } from "@eddy/core";

/**
 * The only file of this package that talks to `@aws-sdk/client-firehose`: the sink speaks to
 * Firehose through the narrow {@link FirehoseProxy} below, so its batching, retries and dead letters
 * are tested against a scripted proxy, and against the local Firehose through this one.
 */

/** A record of a PutRecordBatch call that Firehose did not take, by its index in the call. */
export interface RecordFailure {
  readonly index: number;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** What the sink needs of Firehose. */
export interface FirehoseProxy {
  /** One PutRecordBatch call; resolves with the records Firehose did not take (empty when it took all). */
  putRecordBatch(deliveryStreamName: string, records: readonly Uint8Array[]): Promise<RecordFailure[]>;
  /** Releases the client if Eddy built it (a client the user gave is left open). */
  close(): void;
}

/** How the sink got its client, for a warning on the deprecated form. */
export interface OpenedFirehoseProxy {
  readonly proxy: FirehoseProxy;
  /** The `client` option held settings (deprecated) rather than a client. */
  readonly fromSettings: boolean;
}

/**
 * The SDK-backed proxy for the sink's `client` option: a `FirehoseClient` (recognized by its shape,
 * so one from another copy of the SDK works) is used as given; settings (deprecated) or nothing
 * make a client Eddy builds with `maxAttempts: 1` (Eddy retries, the SDK does not) and closes.
 */
export function createFirehoseProxy(
  client: AwsSdkClient | FirehoseClientConfig | undefined,
  where: string,
): OpenedFirehoseProxy {
  const given = isAwsSdkClient(client, "Firehose", where) ? client : undefined;
  const sdk: AwsSdkClient =
    given ?? new FirehoseClient({ ...(client as FirehoseClientConfig), maxAttempts: 1 });
  const proxy: FirehoseProxy = {
    async putRecordBatch(deliveryStreamName, records) {
      const response = (await sdk.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: deliveryStreamName,
          Records: records.map((Data) => ({ Data })),
        }),
      )) as PutRecordBatchCommandOutput;
      if (!response.FailedPutCount) return [];
      const answers = response.RequestResponses ?? [];
      const failures: RecordFailure[] = [];
      for (let index = 0; index < records.length; index++) {
        const answer = answers[index];
        // A response shorter than the request says nothing about the rest: they count as failed.
        if (answer === undefined || answer.ErrorCode !== undefined) {
          failures.push({
            index,
            errorCode: answer?.ErrorCode ?? "MissingResponse",
            errorMessage: answer?.ErrorMessage ?? "no answer for this record",
          });
        }
      }
      return failures;
    },
    close() {
      if (!given) sdk.destroy();
    },
  };
  return { proxy, fromSettings: given === undefined && client !== undefined };
}
