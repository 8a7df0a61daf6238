import { CheckpointMetrics } from "../checkpoint/checkpoint-metrics.ts";
import type { SplitId } from "./elements.ts";

// Checkpoint figures belong to the checkpoint layer; re-exported here beside the job's other metrics.
export {
  CHECKPOINT_HISTORY_LIMIT,
  CheckpointMetrics,
  type CheckpointRecord,
} from "../checkpoint/checkpoint-metrics.ts";

/**
 * Counters kept per node of a running job: every source, operator and sink has one. Incrementing
 * a field is the whole cost, paid per batch (never per record) except where an operator counts
 * late records; readers (`@eddy/observability`) copy them when they are asked, so nothing runs
 * for metrics unless someone reads them.
 *
 * @example
 * const window: OperatorMetrics = job.metrics.forOperator("page-counts");
 * console.log(window.recordsIn, window.recordsOut, window.lateRecordsDropped, window.watermark);
 */
export class OperatorMetrics {
  /** Records received (sinks: records written; sources: none). */
  recordsIn = 0;
  /** Records sent on the main output (sources: records read). */
  recordsOut = 0;
  /** Records routed to a late side output. */
  lateRecordsSideOutput = 0;
  /** Late records with no side output configured: neither emitted nor kept, so counted here. */
  lateRecordsDropped = 0;
  /** Records that failed and went to an error output. */
  failedRecords = 0;
  /** Sources and sinks: records set aside as dead letters (see `DeadLetterOutput`). */
  deadLetters = 0;
  /** The last watermark this node sent downstream (sinks: received); `-Infinity` before the first. */
  watermark = Number.NEGATIVE_INFINITY;
  /**
   * Sources: processing time (ms) spent waiting because sinks had too many writes in flight —
   * the job's backpressure. Operators between a source and its sinks run synchronously, so this
   * is where waiting on downstream shows.
   */
  backPressuredTimeMs = 0;
  /** Sinks: processing time (ms) during which an asynchronous write was queued or in flight. */
  busyTimeMs = 0;
  /** Records sent to side outputs (late data, errors, dead letters), by the tag's id. */
  readonly sideOutputRecords = new Map<string, number>();

  /** @param operator the node's id (its name, or `label#n`) */
  constructor(readonly operator: string) {}

  /** Counts a batch of `records` sent to the side output `tagId`. */
  countSideOutput(tagId: string, records: number): void {
    this.sideOutputRecords.set(tagId, (this.sideOutputRecords.get(tagId) ?? 0) + records);
  }
}

/**
 * Where one split of a source is: its position, its status, and how far it is behind its head.
 *
 * @example
 * for (const split of job.metrics.splits("fx-ticks")) {
 *   console.log(split.split, split.status, split.millisBehindLatest, JSON.stringify(split.position));
 * }
 */
export interface SplitMetrics {
  /** The split's id within its source (a Kinesis shard id, a file). */
  readonly split: SplitId;
  /** The position after the last record handed downstream (what a checkpoint would store). */
  readonly position: unknown;
  /** `idle` and `finished` splits do not hold the watermark back. */
  readonly status: "active" | "idle" | "finished";
  /** How far the reader is behind the split's newest record (ms), when the source knows it. */
  readonly millisBehindLatest: number | undefined;
}

/**
 * How far a job has got: `created` until `run()`, then `running`, then how it ended.
 *
 * @example
 * const status: JobStatus = job.metrics.status;
 * if (status === "failed") console.error(`job ${job.name} failed`);
 */
export type JobStatus = "created" | "running" | "finished" | "stopped" | "failed";

/**
 * All nodes' counters of a job, its checkpoint figures, its sources' splits and its status:
 * `job.metrics`.
 *
 * @example
 * const metrics: JobMetrics = job.metrics;
 * for (const [operator, counters] of Object.entries(metrics.snapshot())) {
 *   console.log(operator, counters.recordsIn, counters.recordsOut, counters.watermark);
 * }
 */
export class JobMetrics {
  readonly #operators = new Map<string, OperatorMetrics>();
  readonly #splits = new Map<string, () => readonly SplitMetrics[]>();
  /** The job's checkpoint figures. */
  readonly checkpoints = new CheckpointMetrics();
  /** Where the job is: created, running, or how its last run ended. */
  status: JobStatus = "created";
  /** Processing time the last run started (`NaN` before). */
  startedAt = Number.NaN;
  /** Processing time the last run ended (`NaN` while running). */
  endedAt = Number.NaN;

  /** The live counters of the node `name` (created on first use). */
  forOperator(name: string): OperatorMetrics {
    let metrics = this.#operators.get(name);
    if (!metrics) {
      metrics = new OperatorMetrics(name);
      this.#operators.set(name, metrics);
    }
    return metrics;
  }

  /** A running source driver registers how to read its splits; read only when asked. */
  reportSplits(sourceId: string, read: () => readonly SplitMetrics[]): void {
    this.#splits.set(sourceId, read);
  }

  /** The splits of source `sourceId` as its reader reports them now (empty before it runs). */
  splits(sourceId: string): readonly SplitMetrics[] {
    return this.#splits.get(sourceId)?.() ?? [];
  }

  /** A plain copy of every operator's counters, for reports and tests. */
  snapshot(): Record<string, OperatorCounters> {
    const result: Record<string, OperatorCounters> = {};
    for (const [name, m] of this.#operators) {
      const { operator: _ignored, sideOutputRecords, ...counters } = m;
      result[name] = { ...counters, sideOutputRecords: Object.fromEntries(sideOutputRecords) };
    }
    return result;
  }
}

/**
 * What {@link JobMetrics.snapshot} reports per operator.
 *
 * @example
 * const counters: OperatorCounters | undefined = job.metrics.snapshot()["page-counts"];
 * console.log(counters?.sideOutputRecords);
 */
export type OperatorCounters = Omit<OperatorMetrics, "operator" | "sideOutputRecords" | "countSideOutput"> & {
  /** Records sent to side outputs, by the tag's id. */
  readonly sideOutputRecords: Readonly<Record<string, number>>;
};
