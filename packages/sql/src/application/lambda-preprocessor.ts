import { randomUUID } from "node:crypto";
import { type Clock, DEFAULT_RETRY, type RetryOptions, retryOptions, systemClock } from "@eddy/core";
import { type ErrorStreamRow, inputErrorRow } from "./input-error.ts";
import type { InputRecord } from "./input-record.ts";
import { type LambdaClientLike, LambdaInvocationError, LambdaInvoker } from "./lambda-invoker.ts";

/**
 * Defaults of {@link LambdaPreprocessorOptions}: invocations of up to 500 records and Lambda's
 * 6 MB request limit, retried with core's default policy.
 *
 * @example
 * const patient: LambdaPreprocessorOptions = {
 *   functionArn: "arn:aws:lambda:us-east-1:123456789012:function:unzip",
 *   applicationArn: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/app",
 *   streamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/in",
 *   source: "kinesis",
 *   retry: { ...LAMBDA_PREPROCESSOR_DEFAULTS.retry, maxAttempts: 30 },
 * };
 */
export const LAMBDA_PREPROCESSOR_DEFAULTS = Object.freeze({
  /** Records per invocation. */
  maxRecordsPerInvocation: 500,
  /** Bytes of one invocation's request (Lambda's limit for a synchronous Invoke, and the most). */
  maxPayloadBytes: 6 * 1024 * 1024,
  /** Retries of failed invocations. */
  retry: DEFAULT_RETRY,
});

/**
 * Options of {@link lambdaPreprocessor}: the function, what KDA tells it about the application and
 * the source, and how Eddy calls it.
 *
 * @example
 * const options: LambdaPreprocessorOptions = {
 *   functionArn: "arn:aws:lambda:us-east-1:123456789012:function:unzip",
 *   applicationArn: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/app",
 *   streamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/in",
 *   source: "firehose",
 * };
 */
export interface LambdaPreprocessorOptions {
  /** The function (`InputLambdaProcessor.ResourceARN`). */
  readonly functionArn: string;
  /** Sent as `applicationArn`. */
  readonly applicationArn: string;
  /** The source's ARN, sent as `streamArn`. */
  readonly streamArn: string;
  /** Decides the records' metadata: `kinesisStreamRecordMetadata` or `kinesisFirehoseRecordMetadata`. */
  readonly source: "kinesis" | "firehose";
  /** By default a `LambdaClient` for the function's region with `maxAttempts: 1`. */
  readonly client?: LambdaClientLike;
  /** Records per invocation (default 500). */
  readonly maxRecordsPerInvocation?: number;
  /** Bytes of one invocation's request payload (default and at most Lambda's 6 MB). */
  readonly maxPayloadBytes?: number;
  /** Retries of failed invocations (function errors, throttling, 5xx). */
  readonly retry?: Partial<RetryOptions>;
  /** Backoffs run on it (default the system clock). */
  readonly clock?: Clock;
  /** Stops retrying when aborted (the job's signal). */
  readonly signal?: AbortSignal;
}

/**
 * What the preprocessor made of one record, in the order the records were given: new bytes to map
 * (`Ok`, which may hold several JSON documents or CSV rows), nothing (`Dropped`), or the
 * error_stream row of a record the function could not process (`ProcessingFailed`).
 *
 * @example
 * declare const outcome: PreprocessOutcome;
 * if (outcome.result === "Ok") console.log(new TextDecoder().decode(outcome.data));
 */
export type PreprocessOutcome =
  | {
      /** The function transformed the record. */
      readonly result: "Ok";
      /** The record sent. */
      readonly record: InputRecord;
      /** What the input mapping reads instead of the record's bytes. */
      readonly data: Uint8Array;
    }
  | {
      /** The function dropped the record on purpose. */
      readonly result: "Dropped";
      /** The record sent. */
      readonly record: InputRecord;
    }
  | {
      /** The function could not process the record. */
      readonly result: "ProcessingFailed";
      /** The record sent. */
      readonly record: InputRecord;
      /** Its error_stream row (`PREPROCESSING_FAILED`). */
      readonly error: ErrorStreamRow;
    };

/**
 * Sends records through an input's Lambda preprocessor.
 *
 * @example
 * declare const preprocessor: LambdaPreprocessor;
 * const outcomes = await preprocessor.process([{ data: new TextEncoder().encode("a,b"), arrivalTime: 0 }]);
 */
export interface LambdaPreprocessor {
  /** The outcome of every record, in order; rejects with a {@link LambdaInvocationError}. */
  process(records: readonly InputRecord[]): Promise<PreprocessOutcome[]>;
  /** Releases the client Eddy built. */
  close(): void;
}

const RESULTS = new Set(["Ok", "Dropped", "ProcessingFailed"]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** What KDA sends for one record (https://docs.aws.amazon.com/kinesisanalytics/latest/dev/lambda-preprocessing.html). */
function requestRecord(record: InputRecord, recordId: string, source: "kinesis" | "firehose"): object {
  const data = Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength).toString(
    "base64",
  );
  const approximateArrivalTimestamp = record.arrivalTime;
  return source === "kinesis"
    ? {
        recordId,
        approximateArrivalTimestamp,
        kinesisStreamRecordMetadata: {
          sequenceNumber: record.sequenceNumber ?? null,
          partitionKey: record.partitionKey ?? null,
          shardId: record.shardId ?? null,
          approximateArrivalTimestamp,
        },
        data,
      }
    : {
        recordId,
        approximateArrivalTimestamp,
        kinesisFirehoseRecordMetadata: { approximateArrivalTimestamp },
        data,
      };
}

/**
 * An input's Lambda preprocessing as KDA does it: records go to the function in batches as
 * `{ invocationId, applicationArn, streamArn, records: [{ recordId, approximateArrivalTimestamp,
 * kinesisStreamRecordMetadata | kinesisFirehoseRecordMetadata, data (base64) }] }` (record ids:
 * the Kinesis sequence number, else a random UUID), and the function answers every record as
 * `{ records: [{ recordId, result: "Ok" | "Dropped" | "ProcessingFailed", data }] }`. `Ok` data
 * is what the input mapping reads next, `Dropped` records vanish, `ProcessingFailed` ones become
 * error_stream rows (`PREPROCESSING_FAILED`, the original bytes in DATA_ROW).
 *
 * Failures: a function error, throttling or a 5xx is retried with core's policy (KDA retries
 * without end; Eddy gives up after `retry.maxAttempts` and fails the job, which resumes from its
 * checkpoint). A response that leaves a record out, names an unknown or missing `recordId`, gives
 * another `result` or an `Ok` without base64 `data` fails at once with a
 * {@link LambdaInvocationError} naming the function and the record: the function is broken, and
 * another call will not mend it.
 *
 * @example
 * const preprocessor = lambdaPreprocessor({
 *   functionArn: "arn:aws:lambda:us-east-1:123456789012:function:unzip",
 *   applicationArn: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/app",
 *   streamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/in",
 *   source: "kinesis",
 * });
 * const outcomes = await preprocessor.process([
 *   { data: new TextEncoder().encode('{"a":1}'), arrivalTime: Date.UTC(2024, 0, 1), shardId: "shardId-000000000000", partitionKey: "k", sequenceNumber: "1" },
 * ]);
 */
export function lambdaPreprocessor(options: LambdaPreprocessorOptions): LambdaPreprocessor {
  const defaults = LAMBDA_PREPROCESSOR_DEFAULTS;
  const maxRecords = options.maxRecordsPerInvocation ?? defaults.maxRecordsPerInvocation;
  const maxBytes = options.maxPayloadBytes ?? defaults.maxPayloadBytes;
  const where = `lambdaPreprocessor(${options.functionArn})`;
  if (!Number.isInteger(maxRecords) || maxRecords < 1)
    throw new RangeError(`${where}: maxRecordsPerInvocation must be an integer >= 1, got ${maxRecords}`);
  if (!(maxBytes >= 1024 && maxBytes <= defaults.maxPayloadBytes))
    throw new RangeError(
      `${where}: maxPayloadBytes must be from 1024 to ${defaults.maxPayloadBytes}, got ${maxBytes}`,
    );
  const invoker = new LambdaInvoker(options.functionArn, {
    ...(options.client === undefined ? {} : { client: options.client }),
    retry: retryOptions(options.retry, defaults.retry, where),
    clock: options.clock ?? systemClock,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const fail = (problem: string): never => {
    throw new LambdaInvocationError(options.functionArn, `as input preprocessor, ${problem}`, false);
  };

  const invoke = async (batch: readonly { id: string; record: InputRecord; json: string }[]) => {
    const header = JSON.stringify({
      invocationId: randomUUID(),
      applicationArn: options.applicationArn,
      streamArn: options.streamArn,
    });
    const payload = `${header.slice(0, -1)},"records":[${batch.map((b) => b.json).join(",")}]}`;
    const answer = await invoker.invoke(payload, "input preprocessing");
    const records = (answer as { records?: unknown } | null)?.records;
    if (typeof answer !== "object" || answer === null || !Array.isArray(records))
      fail(`the function answered ${JSON.stringify(answer)?.slice(0, 200)} instead of { records: [...] }`);
    const byId = new Map(batch.map((b) => [b.id, b.record]));
    const answered = new Map<string, PreprocessOutcome>();
    (records as unknown[]).forEach((item, index) => {
      const { recordId, result, data } = (item ?? {}) as {
        recordId?: unknown;
        result?: unknown;
        data?: unknown;
      };
      if (typeof recordId !== "string") fail(`records[${index}] has no recordId`);
      const record = byId.get(recordId as string);
      if (record === undefined)
        fail(`records[${index}] answers recordId ${JSON.stringify(recordId)}, which was not sent`);
      if (answered.has(recordId as string))
        fail(`records[${index}] answers recordId ${JSON.stringify(recordId)} twice`);
      if (typeof result !== "string" || !RESULTS.has(result))
        fail(
          `records[${index}] has result ${JSON.stringify(result)}, expected "Ok", "Dropped" or "ProcessingFailed"`,
        );
      let outcome: PreprocessOutcome;
      if (result === "Ok") {
        if (typeof data !== "string" || !BASE64.test(data))
          fail(`records[${index}] is Ok without base64 data`);
        outcome = { result, record: record!, data: Uint8Array.from(Buffer.from(data as string, "base64")) };
      } else if (result === "Dropped") {
        outcome = { result, record: record! };
      } else {
        const error = inputErrorRow({
          name: "PREPROCESSING_FAILED",
          message: `Lambda preprocessor ${options.functionArn} answered ProcessingFailed for the record`,
          arrivalTime: record!.arrivalTime,
          data: record!.data,
        });
        outcome = { result: "ProcessingFailed", record: record!, error };
      }
      answered.set(recordId as string, outcome);
    });
    const missing = batch.filter((b) => !answered.has(b.id));
    if (missing.length > 0)
      fail(
        `the answer leaves out ${missing.length} of ${batch.length} records (recordId ${missing[0]!.id} first)`,
      );
    return batch.map((b) => answered.get(b.id)!);
  };

  return {
    async process(records) {
      const used = new Set<string>();
      const entries = records.map((record) => {
        let id = options.source === "kinesis" ? (record.sequenceNumber ?? randomUUID()) : randomUUID();
        if (used.has(id)) id = `${id}.${used.size}`;
        used.add(id);
        return { id, record, json: JSON.stringify(requestRecord(record, id, options.source)) };
      });
      // The request's envelope (ids and ARNs), kept well below the slack left for it.
      const room = maxBytes - 1024 - options.applicationArn.length - options.streamArn.length;
      const outcomes: PreprocessOutcome[] = [];
      let batch: typeof entries = [];
      let bytes = 0;
      for (const entry of entries) {
        if (entry.json.length + 1 > room)
          fail(
            `a record of ${entry.record.data.byteLength} bytes does not fit one invocation's ${maxBytes} bytes`,
          );
        if (batch.length === maxRecords || bytes + entry.json.length + 1 > room) {
          outcomes.push(...(await invoke(batch)));
          batch = [];
          bytes = 0;
        }
        batch.push(entry);
        bytes += entry.json.length + 1;
      }
      if (batch.length > 0) outcomes.push(...(await invoke(batch)));
      return outcomes;
    },
    close() {
      invoker.destroy();
    },
  };
}
