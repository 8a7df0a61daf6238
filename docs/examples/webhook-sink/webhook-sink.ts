import {
  AsyncSinkWriter,
  type AsyncSinkWriterOptions,
  type BatchResult,
  type BatchSubmitter,
  DEFAULT_RETRY,
  type RetryOptions,
  retrying,
  retryOptions,
  type Sink,
  type SinkContext,
} from "@eddy/core";
import { postRecords, RetryableWebhookError } from "./webhook-client.ts";
import { WEBHOOK_SINK_DEFAULTS, type WebhookSinkOptions } from "./webhook-sink-options.ts";

/** A record on its way: its JSON, and what a dead letter needs. */
interface Entry {
  readonly record: unknown;
  readonly json: unknown;
  readonly timestamp: number;
}

/**
 * POSTs records to an HTTP endpoint in JSON batches, at least once: every checkpoint waits until
 * what came before it was accepted, so a restore may send the records after it again.
 *
 * Batching is core's `AsyncSinkWriter`; a batch the endpoint throttles or fails is sent again
 * after a backoff. A batch it refuses (4xx) is sent again record by record, and the records it
 * still refuses go to the job's dead letters with the status and the endpoint's answer: the job
 * goes on.
 */
export function webhookSink<T>(options: WebhookSinkOptions<T>): Sink<T> {
  const name = options.name ?? `webhook(${options.url})`;
  const toJson = options.toJson ?? ((record: T) => record);
  const retry = retryOptions(options.retry, DEFAULT_RETRY, name);
  const batching: AsyncSinkWriterOptions = {
    maxBatchSize: options.maxBatchSize ?? WEBHOOK_SINK_DEFAULTS.maxBatchSize,
    maxInFlightRequests: options.maxInFlightRequests ?? WEBHOOK_SINK_DEFAULTS.maxInFlightRequests,
    maxBufferedRequests: options.maxBufferedRequests ?? WEBHOOK_SINK_DEFAULTS.maxBufferedRequests,
    maxBatchSizeInBytes: options.maxBatchSizeInBytes ?? WEBHOOK_SINK_DEFAULTS.maxBatchSizeInBytes,
    maxTimeInBufferMS: options.maxTimeInBufferMS ?? WEBHOOK_SINK_DEFAULTS.maxTimeInBufferMS,
    failOnError: false,
    retry,
  };
  let writer: AsyncSinkWriter<Entry> | undefined;

  return {
    name,
    open(context) {
      // The job's clock runs the batching timer and the backoff: tests run it on virtual time.
      writer = new AsyncSinkWriter(name, batching, submitter(name, options, retry, context), context.clock);
    },
    async write(values, timestamps) {
      for (let i = 0; i < values.length; i++) {
        const json = toJson(values[i]!);
        writer!.add({ record: values[i], json, timestamp: timestamps[i]! }, JSON.stringify(json).length);
        await writer!.afterAdd();
      }
    },
    // At a barrier nothing may stay buffered or in flight: the checkpoint covers all of it.
    snapshot: () => writer!.flush(),
    finish: () => writer!.flush(),
    close: () => writer?.close(),
  };
}

function submitter<T>(
  name: string,
  options: WebhookSinkOptions<T>,
  retry: RetryOptions,
  context: SinkContext,
): BatchSubmitter<Entry> {
  const { url, headers = {} } = options;
  const { clock, logger, deadLetters, signal } = context;
  /** Sends one record alone, retrying what may pass later; a refusal is final. */
  const sendAlone = (entry: Entry) =>
    retrying(() => postRecords(url, [entry.json], headers, signal), {
      operation: `POST ${url}`,
      retry,
      clock,
      signal,
      isRetryable: (error) => error instanceof RetryableWebhookError,
      onRetry: (error, n, delayMS) => logger.warn(`${name}: retry ${n} in ${delayMS} ms: ${String(error)}`),
    });
  return {
    async submit(entries): Promise<BatchResult<Entry>> {
      try {
        const json = entries.map((e) => e.json);
        if ((await postRecords(url, json, headers, signal)) === undefined) return { failed: [] };
      } catch (error) {
        // The writer sends them again after a backoff, up to `retry.maxAttempts` times.
        if (error instanceof RetryableWebhookError) return { failed: entries, reason: error.message };
        throw error;
      }
      // Which records made the endpoint refuse the batch? Ask it about each one alone.
      for (const entry of entries) {
        const refusal = await sendAlone(entry);
        if (refusal === undefined) continue;
        deadLetters.send({
          origin: name,
          reason: "rejected",
          error: `HTTP ${refusal.status}: ${refusal.reason}`,
          value: entry.record,
          timestamp: entry.timestamp,
          details: { url, status: refusal.status },
        });
      }
      return { failed: [] };
    },
    isRetryable: (error) => error instanceof RetryableWebhookError,
  };
}
