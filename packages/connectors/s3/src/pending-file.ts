import type { UploadedPart } from "./s3-client.ts";

/**
 * A part file that is written but not yet visible: pre-committed at a checkpoint barrier, made
 * visible when that checkpoint completes. Plain data: it is kept in the checkpoint.
 */
export type PendingFile =
  | {
      /** Written whole under the staging prefix; committing copies it to `key`. */
      readonly kind: "staged";
      readonly key: string;
      readonly stagingKey: string;
      readonly checkpointId: number;
      readonly records: number;
    }
  | {
      /** A multipart upload to `key` with every part uploaded; committing completes it. */
      readonly kind: "multipart";
      readonly key: string;
      readonly uploadId: string;
      readonly parts: readonly UploadedPart[];
      /** The staging object that names the upload, so a restart can abort it if uncovered. */
      readonly markerKey: string;
      readonly checkpointId: number;
      readonly records: number;
    };

/** A file closed since the last barrier: a {@link PendingFile} still without its checkpoint. */
export type ClosedFile = PendingFile extends infer F
  ? F extends PendingFile
    ? Omit<F, "checkpointId">
    : never
  : never;

/** The sink's state in a checkpoint. */
export interface S3SinkState {
  readonly version: 1;
  readonly pending: readonly PendingFile[];
}

/** A multipart marker's content. */
export interface UploadMarker {
  readonly key: string;
  readonly uploadId: string;
}
