/**
 * Chooses the store keys of a checkpoint's blobs. Keys must be unique per checkpoint and writer:
 * a blob, once referenced by a stored manifest, is never overwritten with other bytes.
 */
export interface BlobNaming {
  /** One key group's blob of an operator. */
  keyGroup(checkpointId: number, operatorId: string, group: number): string;
  /** An operator's non-keyed state. */
  operator(checkpointId: number, operatorId: string): string;
  /** A sink's pre-commit state. */
  sink(checkpointId: number, sinkId: string): string;
}

/**
 * Keys of a job with one writer: `job/checkpointId/operator/kgN`, `job/checkpointId/operator/op`
 * and `job/checkpointId/sink/sinkId`. Several writers of one job (scale-out) each need a naming
 * that adds who wrote the blob, since two of them may run the same operator.
 */
export function singleWriterNaming(job: string): BlobNaming {
  return {
    keyGroup: (checkpointId, operatorId, group) => `${job}/${checkpointId}/${operatorId}/kg${group}`,
    operator: (checkpointId, operatorId) => `${job}/${checkpointId}/${operatorId}/op`,
    sink: (checkpointId, sinkId) => `${job}/${checkpointId}/sink/${sinkId}`,
  };
}
