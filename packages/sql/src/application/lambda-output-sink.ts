import { randomUUID } from "node:crypto";
import {
  AsyncSinkWriter,
  type AwsAccess,
  awsArn,
  type BatchResult,
  type BatchSubmitter,
  DEFAULT_RETRY,
  type RetryOptions,
  retryOptions,
  type Sink,
  type SinkContext,
  SinkWriteError,
} from "@eddy/core";
import { isRetryableLambdaError, type LambdaClientLike, LambdaInvoker } from "./lambda-invoker.ts";

/**
 * Defaults of {@link LambdaOutputSinkOptions}: batches of up to 500 records and 5 MB of data (under
 * Lambda's 6 MB request limit), sent at least once a second (KDA invokes a Lambda destination
 * "about once per second" for continuous output), one invocation at a time so records arrive in
 * order, failed records retried with core's default policy.
 *
 * @example
 * const slow: Partial<LambdaOutputSinkOptions<string>> = { maxTimeInBufferMS: LAMBDA_OUTPUT_DEFAULTS.maxTimeInBufferMS * 10 };
 */
export const LAMBDA_OUTPUT_DEFAULTS = Object.freeze({
  /** Records per invocation. */
  maxBatchSize: 500,
  /** Bytes of base64 record data per invocation (and at most: Lambda's request is 6 MB). */
  maxBatchSizeInBytes: 5 * 1024 * 1024,
  /** Invocations at once: one keeps the records in order. */
  maxInFlightRequests: 1,
  /** Buffered records at which writes wait (backpressure). */
  maxBufferedRequests: 10_000,
  /** The longest a record waits for its batch (processing time). */
  maxTimeInBufferMS: 1_000,
  /** Retries of failed records and invocations. */
  retry: DEFAULT_RETRY,
});

/**
 * Options of {@link lambdaOutputSink}.
 *
 * @example
 * const options: LambdaOutputSinkOptions<string> = {
 *   functionArn: "arn:aws:lambda:us-east-1:123456789012:function:deliver",
 *   applicationArn: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/app",
 *   serializer: (line) => line,
 * };
 */
export interface LambdaOutputSinkOptions<T> {
  /** The destination function (`LambdaOutputDescription.ResourceARN`). */
  readonly functionArn: string;
  /** Sent as `applicationArn`. */
  readonly applicationArn: string;
  /** One record's bytes (a JSON or CSV record of `compileOutputFormat`, typically). */
  readonly serializer: (value: T) => string | Uint8Array;
  /** By default a `LambdaClient` for the function's region with `maxAttempts: 1`. */
  readonly client?: LambdaClientLike;
  /** Names the sink (default `lambda(<functionArn>)`). */
  readonly name?: string;
  /** Records per invocation (default {@link LAMBDA_OUTPUT_DEFAULTS}). */
  readonly maxBatchSize?: number;
  /** Bytes of record data per invocation (base64, as sent; at most 5 MB). */
  readonly maxBatchSizeInBytes?: number;
  /** Invocations at once (default 1, in order). */
  readonly maxInFlightRequests?: number;
  /** Buffered records at which writes wait. */
  readonly maxBufferedRequests?: number;
  /** The longest a record waits for its batch (processing time, ms). */
  readonly maxTimeInBufferMS?: number;
  /** Retries of records the function reports `DeliveryFailed` (or leaves out) and of failed invocations. */
  readonly retry?: Partial<RetryOptions>;
}

/**
 * One record on its way: its id, its base64 data and how often its delivery failed (counted on
 * the entry itself: the batching writer requeues the very entries a batch reports failed).
 */
interface DeliveryEntry {
  readonly recordId: string;
  readonly data: string;
  retryHint: number;
}

/** Sends one batch to the function and hands back the records it did not acknowledge `Ok`. */
class LambdaDeliverySubmitter implements BatchSubmitter<DeliveryEntry> {
  constructor(
    private readonly invoker: LambdaInvoker,
    private readonly applicationArn: string,
  ) {}

  async submit(entries: readonly DeliveryEntry[]): Promise<BatchResult<DeliveryEntry>> {
    const payload = JSON.stringify({
      invocationId: randomUUID(),
      applicationArn: this.applicationArn,
      records: entries.map((e) => ({
        recordId: e.recordId,
        lambdaDeliveryRecordMetadata: { retryHint: e.retryHint },
        data: e.data,
      })),
    });
    const answer = await this.invoker.invokeOnce(payload);
    const records = (answer as { records?: unknown } | null)?.records;
    const ok = new Set<string>();
    // KDA: a response that is not { records }, a record left out or answered otherwise than Ok
    // is a delivery failure of those records, sent again.
    if (Array.isArray(records)) {
      for (const item of records as { recordId?: unknown; result?: unknown }[]) {
        if (typeof item?.recordId === "string" && item.result === "Ok") ok.add(item.recordId);
      }
    }
    const failed = entries.filter((e) => !ok.has(e.recordId));
    for (const entry of failed) entry.retryHint += 1;
    if (failed.length === 0) return { failed };
    const reason = Array.isArray(records)
      ? `${failed.length} of ${entries.length} records not acknowledged Ok (DeliveryFailed or left out)`
      : `the function answered ${JSON.stringify(answer)?.slice(0, 200)} instead of { records: [...] }`;
    return { failed, reason: `Lambda function ${this.invoker.functionArn}: ${reason}` };
  }

  isRetryable(error: unknown): boolean {
    return isRetryableLambdaError(error);
  }
}

/**
 * Delivers rows to a Lambda function as KDA's Lambda destinations do
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/dev/how-it-works-output-lambda.html): each
 * invocation sends `{ invocationId, applicationArn, records: [{ recordId,
 * lambdaDeliveryRecordMetadata: { retryHint }, data (base64) }] }`, and the function answers
 * `{ records: [{ recordId, result: "Ok" | "DeliveryFailed" }] }`. Records answered
 * `DeliveryFailed`, left out, or sent in an invocation that failed (a function error, throttling)
 * are sent again, alone, with `retryHint` counting their failures, after core's backoff.
 *
 * Guarantee: at-least-once. Everything written before a checkpoint barrier is acknowledged `Ok`
 * when the checkpoint completes (the sink flushes at the barrier); records after it are sent
 * again after a restore. KDA retries a failing destination without end; Eddy gives up after
 * `retry.maxAttempts` and fails the job with a `SinkWriteError` (resumed from its checkpoint).
 * A missing function or a refused request fails the job at once.
 *
 * Timing: records leave in batches of `maxBatchSize` records or `maxBatchSizeInBytes`, or
 * `maxTimeInBufferMS` (processing time) after the oldest buffered one, at every barrier and at the
 * end of input.
 *
 * @example
 * declare const alerts: DataStream<SqlValue[]>;
 * declare const columns: SqlField[];
 * alerts.sink(
 *   lambdaOutputSink({
 *     functionArn: "arn:aws:lambda:us-east-1:123456789012:function:deliver-alerts",
 *     applicationArn: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/alerts",
 *     serializer: compileOutputFormat(columns, "JSON"),
 *   }),
 * );
 */
export function lambdaOutputSink<T>(options: LambdaOutputSinkOptions<T>): Sink<T> {
  const d = LAMBDA_OUTPUT_DEFAULTS;
  const name = options.name ?? `lambda(${options.functionArn})`;
  const retry = retryOptions(options.retry, d.retry, name);
  const maxBatchSizeInBytes = options.maxBatchSizeInBytes ?? d.maxBatchSizeInBytes;
  if (maxBatchSizeInBytes > d.maxBatchSizeInBytes)
    throw new RangeError(
      `${name}: maxBatchSizeInBytes is at most ${d.maxBatchSizeInBytes} (Lambda's 6 MB request)`,
    );
  let invoker: LambdaInvoker | undefined;
  let writer: AsyncSinkWriter<DeliveryEntry> | undefined;
  let context: SinkContext | undefined;

  // Lambda authorizes InvokeFunction on the function as named: an ARN, or a bare name in the job's account.
  const fn = options.functionArn.startsWith("arn:") ? options.functionArn : `function:${options.functionArn}`;
  const access: AwsAccess[] = [
    { service: "lambda", actions: ["lambda:InvokeFunction"], resources: [awsArn("lambda", fn)] },
  ];

  return {
    name,
    awsAccess: () => access,
    open(opened) {
      context = opened;
      invoker = new LambdaInvoker(options.functionArn, {
        ...(options.client === undefined ? {} : { client: options.client }),
        retry,
        clock: opened.clock,
        signal: opened.signal,
      });
      writer = new AsyncSinkWriter(
        name,
        {
          maxBatchSize: options.maxBatchSize ?? d.maxBatchSize,
          maxInFlightRequests: options.maxInFlightRequests ?? d.maxInFlightRequests,
          maxBufferedRequests: options.maxBufferedRequests ?? d.maxBufferedRequests,
          maxBatchSizeInBytes,
          maxTimeInBufferMS: options.maxTimeInBufferMS ?? d.maxTimeInBufferMS,
          failOnError: false,
          retry,
        },
        new LambdaDeliverySubmitter(invoker, options.applicationArn),
        opened.clock,
      );
    },
    write(values, timestamps) {
      for (let i = 0; i < values.length; i++) {
        let data: string;
        try {
          const serialized = options.serializer(values[i]!);
          const bytes =
            typeof serialized === "string"
              ? Buffer.from(serialized, "utf8")
              : Buffer.from(serialized.buffer, serialized.byteOffset, serialized.byteLength);
          data = bytes.toString("base64");
        } catch (error) {
          if (error instanceof SinkWriteError) throw error;
          context!.deadLetters.send({
            origin: name,
            reason: "serialize",
            error: error instanceof Error ? error.message : String(error),
            value: values[i],
            timestamp: timestamps[i] ?? Number.NaN,
          });
          continue;
        }
        // Lambda's limit: a record that cannot fit one invocation never will.
        if (data.length > maxBatchSizeInBytes) {
          context!.deadLetters.send({
            origin: name,
            reason: "too-large",
            error: `the record is ${data.length} bytes in base64, more than maxBatchSizeInBytes (${maxBatchSizeInBytes})`,
            value: values[i],
            timestamp: timestamps[i] ?? Number.NaN,
          });
          continue;
        }
        writer!.add({ recordId: randomUUID(), data, retryHint: 0 }, data.length + 100);
      }
      return writer!.afterAdd();
    },
    async snapshot() {
      await writer!.flush();
      return undefined;
    },
    async finish() {
      await writer!.flush();
    },
    close() {
      writer?.close();
      invoker?.destroy();
    },
  };
}
