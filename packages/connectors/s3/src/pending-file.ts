import type { UploadedPart } from "./s3-client.ts";

/**
 * A part file that is written but not yet visible: pre-committed at a checkpoint barrier, made
 * visible when that checkpoint completes. Plain data: it is kept in the checkpoint.
 *
 * @example
 * const staged: PendingFile = {
 *   kind: "staged",
 *   key: "clicks/dt=2026-11-21/hh=14/part-3f2a-7.jsonl",
 *   stagingKey: "_eddy-staging/clicks/part/part-3f2a-7.jsonl",
 *   checkpointId: 12,
 *   records: 1_500,
 * };
 */
export type PendingFile =
  | {
      /** Written whole under the staging prefix; committing copies it to `key`. */
      readonly kind: "staged";
      /** The object's final key. */
      readonly key: string;
      /** Where it waits until its checkpoint completes. */
      readonly stagingKey: string;
      /** The checkpoint whose completion makes it visible. */
      readonly checkpointId: number;
      /** Records it holds. */
      readonly records: number;
    }
  | {
      /** A multipart upload to `key` with every part uploaded; committing completes it. */
      readonly kind: "multipart";
      /** The object's final key. */
      readonly key: string;
      /** The multipart upload's id. */
      readonly uploadId: string;
      /** The uploaded parts, in order (part number and ETag). */
      readonly parts: readonly UploadedPart[];
      /** The staging object that names the upload, so a restart can abort it if uncovered. */
      readonly markerKey: string;
      /** The checkpoint whose completion makes it visible. */
      readonly checkpointId: number;
      /** Records it holds. */
      readonly records: number;
    };

/** A file closed since the last barrier: a {@link PendingFile} still without its checkpoint. */
export type ClosedFile = PendingFile extends infer F
  ? F extends PendingFile
    ? Omit<F, "checkpointId">
    : never
  : never;

/**
 * The sink's state in a checkpoint: the files to commit when it completes (or on restore).
 *
 * @example
 * const [latest] = await store.checkpoints("clicks-to-s3");
 * const sinkRef = latest?.sinks["sink(s3(analytics/clicks/))#3"];
 * const state = sinkRef ? (v8Serde.deserialize(await store.readBlob(sinkRef)) as S3SinkState) : undefined;
 * console.log(state?.pending.map((f) => f.key));
 */
export interface S3SinkState {
  /** The state's format version. */
  readonly version: 1;
  /** Files pre-committed and not yet known to be committed. */
  readonly pending: readonly PendingFile[];
}

/** A multipart marker's content. */
export interface UploadMarker {
  readonly key: string;
  readonly uploadId: string;
}
