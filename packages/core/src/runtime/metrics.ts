/**
 * Counters kept per operator. Incrementing a field is the whole cost on the record path; readers
 * take a copy through {@link JobMetrics}.
 *
 * @example
 * const window: OperatorMetrics = job.metrics.forOperator("page-counts");
 * console.log(window.recordsIn, window.recordsOut, window.lateRecordsDropped);
 */
export class OperatorMetrics {
  /** Records the operator received. */
  recordsIn = 0;
  /** Records it emitted on its main output. */
  recordsOut = 0;
  /** Records routed to a late side output. */
  lateRecordsSideOutput = 0;
  /** Late records with no side output configured: neither emitted nor kept, so counted here. */
  lateRecordsDropped = 0;
  /** Records that failed and went to an error output. */
  failedRecords = 0;
  /** Its current watermark. */
  watermark = Number.NEGATIVE_INFINITY;

  /** @param operator the operator's name */
  constructor(readonly operator: string) {}
}

/**
 * Checkpoint figures of a job: how many, how long, how big.
 *
 * @example
 * const figures: CheckpointMetrics = job.metrics.checkpoints;
 * console.log(`${figures.completed} checkpoints, last took ${figures.lastDurationMs} ms, wrote ${figures.lastBytesWritten} bytes`);
 */
export class CheckpointMetrics {
  /** Checkpoints completed (stored and acknowledged to the sinks). */
  completed = 0;
  /** Attempts to store a checkpoint that failed (each retry counts). */
  failedAttempts = 0;
  /** From the barrier's injection to the sinks' notification, of the last completed one (ms). */
  lastDurationMs = Number.NaN;
  /** Bytes of the blobs the last checkpoint wrote (not those it shares with earlier ones). */
  lastBytesWritten = 0;
  /** Key-group blobs the last checkpoint wrote. */
  lastKeyGroupsWritten = 0;
  /** Processing time the last checkpoint completed at. */
  lastCompletedAt = Number.NaN;
}

/**
 * All operators' counters of a running job, and its checkpoint figures: `job.metrics`.
 *
 * @example
 * const metrics: JobMetrics = job.metrics;
 * for (const [operator, counters] of Object.entries(metrics.snapshot())) {
 *   console.log(operator, counters.recordsIn, counters.recordsOut, counters.watermark);
 * }
 */
export class JobMetrics {
  readonly #operators = new Map<string, OperatorMetrics>();
  /** The job's checkpoint figures. */
  readonly checkpoints = new CheckpointMetrics();

  /** The live counters of the operator `name` (created on first use). */
  forOperator(name: string): OperatorMetrics {
    let metrics = this.#operators.get(name);
    if (!metrics) {
      metrics = new OperatorMetrics(name);
      this.#operators.set(name, metrics);
    }
    return metrics;
  }

  /** A plain copy of every operator's counters, for reports and tests. */
  snapshot(): Record<string, Omit<OperatorMetrics, "operator">> {
    const result: Record<string, Omit<OperatorMetrics, "operator">> = {};
    for (const [name, m] of this.#operators) {
      const { operator: _ignored, ...counters } = m;
      result[name] = { ...counters };
    }
    return result;
  }
}
