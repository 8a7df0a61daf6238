import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import {
  type Clock,
  DEFAULT_RETRY,
  type RetryOptions,
  retrying,
  retryOptions,
  systemClock,
} from "@eddy/core";
import type { SqlField } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";
import type { ReferenceDataSource } from "./application-model.ts";
import { type ErrorStreamRow, inputErrorRow } from "./input-error.ts";
import { splitJsonDocuments } from "./json-documents.ts";
import { compileRecordParser, RecordMappingError } from "./record-parser.ts";

/**
 * An S3 client as reference data loading uses it: anything with the AWS SDK v3 `S3Client`'s `send`
 * and `config`, checked by shape so the application's own SDK copy is used as given (build it with
 * `maxAttempts: 1`: Eddy retries).
 *
 * @example
 * import { S3Client } from "@aws-sdk/client-s3";
 * const client: S3ClientLike = new S3Client({ region: "eu-west-1", maxAttempts: 1 });
 */
export interface S3ClientLike {
  /** Sends one command and resolves with its output. */
  send(command: object, options?: object): Promise<unknown>;
  /** The client's resolved configuration. */
  readonly config: object;
}

/**
 * A reference table as loaded: its name and columns (the reference schema's, exact case), its
 * rows in file order, and the error_stream rows of the file's rows that could not be mapped.
 *
 * @example
 * declare const table: ReferenceTable;
 * const tables = new Map([[table.name, table.rows]]); // what the planner joins against
 */
export interface ReferenceTable {
  /** `TableName`, exact case. */
  readonly name: string;
  /** The reference schema's columns, in row order. */
  readonly columns: readonly SqlField[];
  /** The rows, in file order. */
  readonly rows: SqlValue[][];
  /** The error_stream rows of the file's rows that could not be mapped. */
  readonly errors: readonly ErrorStreamRow[];
}

/**
 * A reference data source that cannot be loaded at all: the object is missing or unreadable, too
 * large, or not text. The message names the object (`s3://bucket/key`).
 *
 * @example
 * try {
 *   await loadReferenceData(source);
 * } catch (error) {
 *   if (error instanceof ReferenceDataError) console.error(error.message);
 * }
 * declare const source: ReferenceDataSource;
 */
export class ReferenceDataError extends Error {
  /** Always `"ReferenceDataError"`. */
  override readonly name = "ReferenceDataError";
}

/**
 * Options of {@link loadReferenceData}.
 *
 * @example
 * const options: LoadReferenceDataOptions = { retry: { maxAttempts: 3 } };
 */
export interface LoadReferenceDataOptions {
  /** By default an `S3Client` with the SDK's default region and credentials and `maxAttempts: 1`. */
  readonly client?: S3ClientLike;
  /** Retries of GetObject on throttling, 5xx and network errors (default: core's policy). */
  readonly retry?: Partial<RetryOptions>;
  /** Backoffs run on it, and it dates the error rows (default the system clock). */
  readonly clock?: Clock;
  /** Stops retrying when aborted. */
  readonly signal?: AbortSignal;
}

/** KDA's limit on a reference data object. */
const MAX_OBJECT_BYTES = 1024 ** 3;

const FATAL = new Set([
  "NoSuchKey",
  "NoSuchBucket",
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
]);

function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error) || FATAL.has(error.name)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === undefined || status >= 500 || status === 429 || /SlowDown|Throttl/.test(error.name);
}

/** The file's mappable units: its CSV rows, or its JSON documents as text. */
function unitsOf(source: ReferenceDataSource, text: string, where: string): string[] {
  const format = source.schema.format;
  if (format.kind === "CSV") return text.split(format.rowDelimiter).filter((line) => line.length > 0);
  try {
    return splitJsonDocuments(text).map((document) => JSON.stringify(document));
  } catch (error) {
    throw new ReferenceDataError(`${where}: the reference data is not JSON: ${(error as Error).message}`);
  }
}

/**
 * Loads a reference data source (the application's `ReferenceDataSources`) from S3, as KDA does
 * when the application starts: the object `FileKey` in the bucket is read whole (at most 1 GB) and
 * mapped with its `ReferenceSchema` exactly like streaming input — CSV rows at the row
 * delimiter, or the JSON documents of the file (JSON lines, or documents one after another), each
 * through KDA's JSONPath subset and coercion. A row (CSV line or JSON document) that cannot be
 * mapped is left out and becomes an error_stream row (`PARSE_FAILED`, `COERCION_FAILED`, dated by
 * the clock at loading); a missing or unreadable object fails with a {@link ReferenceDataError}.
 * GetObject is retried with core's policy on throttling, 5xx and network errors.
 *
 * @example
 * declare const app: SqlApplication;
 * const tables = await Promise.all(app.referenceData.map((source) => loadReferenceData(source)));
 */
export async function loadReferenceData(
  source: ReferenceDataSource,
  options: LoadReferenceDataOptions = {},
): Promise<ReferenceTable> {
  const where = `reference table ${source.table} (s3://${source.bucket}/${source.key})`;
  const clock = options.clock ?? systemClock;
  const owned = options.client === undefined;
  const client: S3ClientLike = options.client ?? new S3Client({ maxAttempts: 1 });
  let bytes: Uint8Array;
  try {
    bytes = await retrying(
      async () => {
        const response = (await client.send(
          new GetObjectCommand({ Bucket: source.bucket, Key: source.key }),
        )) as GetObjectCommandOutput;
        if ((response.ContentLength ?? 0) > MAX_OBJECT_BYTES) {
          throw new ReferenceDataError(
            `${where}: the object holds ${response.ContentLength} bytes, more than KDA's 1 GB`,
          );
        }
        return response.Body!.transformToByteArray();
      },
      {
        operation: `GetObject ${where}`,
        retry: retryOptions(options.retry, DEFAULT_RETRY, where),
        clock,
        isRetryable,
        signal: options.signal,
      },
    );
  } catch (error) {
    if (error instanceof ReferenceDataError) throw error;
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ReferenceDataError(`${where}: cannot read the object: ${why}`, { cause: error });
  } finally {
    if (owned) (client as S3Client).destroy();
  }

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ReferenceDataError(`${where}: the object is not UTF-8 text`);
  }
  const parse = compileRecordParser(source.schema);
  const rows: SqlValue[][] = [];
  const errors: ErrorStreamRow[] = [];
  const loadedAt = clock.now();
  unitsOf(source, text, where).forEach((unit, index) => {
    try {
      rows.push(...parse(unit));
    } catch (error) {
      if (!(error instanceof RecordMappingError)) throw error;
      const row = source.schema.format.kind === "CSV" ? `row ${index + 1}` : `document ${index + 1}`;
      errors.push(
        inputErrorRow({
          name: error.errorName,
          message: `${where}, ${row}: ${error.message}`,
          arrivalTime: loadedAt,
          data: new TextEncoder().encode(unit),
        }),
      );
    }
  });
  return {
    name: source.table,
    columns: source.schema.columns.map((c) => ({ name: c.name, type: c.type })),
    rows,
    errors,
  };
}
