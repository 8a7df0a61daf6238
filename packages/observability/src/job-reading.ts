import type {
  CheckpointRecord,
  EdgeDescription,
  Job,
  JobStatus,
  NodeDescription,
  SplitMetrics,
} from "@eddy/core";

/**
 * A watermark as read: epoch ms of event time, `"end"` once the input has ended (the final
 * watermark closes every window), `undefined` before the first.
 *
 * @example
 * const watermark: WatermarkReading = readJob(job).nodes[0]?.watermark;
 * const shown = watermark === undefined ? "none yet" : watermark === "end" ? "end of input" : new Date(watermark).toISOString();
 */
export type WatermarkReading = number | "end" | undefined;

/**
 * One node of the job graph with its counters at the time of reading.
 *
 * @example
 * for (const node of readJob(job).nodes) console.log(node.id, node.recordsIn, node.recordsOut, node.watermarkLagMs);
 */
export interface NodeReading extends NodeDescription {
  /** Records received (sinks: written; sources: none). */
  readonly recordsIn: number;
  /** Records sent on the main output (sources: read). */
  readonly recordsOut: number;
  /** Late records routed to the late side output. */
  readonly lateRecordsSideOutput: number;
  /** Late records of an operator without a late side output: counted, not emitted. */
  readonly lateRecordsDropped: number;
  /** Records that failed in a user function and went to the error output. */
  readonly failedRecords: number;
  /** Sources and sinks: records set aside as dead letters. */
  readonly deadLetters: number;
  /** Records this node sent to side outputs, by tag id. */
  readonly sideOutputRecords: Readonly<Record<string, number>>;
  /** The watermark the node sent downstream (sinks: received). */
  readonly watermark: WatermarkReading;
  /** Processing time minus the watermark (ms), when the watermark is a time. */
  readonly watermarkLagMs: number | undefined;
  /** Sources: total ms spent waiting on downstream. */
  readonly backPressuredTimeMs: number;
  /** Sinks: total ms with an asynchronous write queued or in flight. */
  readonly busyTimeMs: number;
  /** Sources: their splits, with positions and lag. */
  readonly splits?: readonly SplitMetrics[];
}

/**
 * An edge of the job graph with the records that went along it.
 *
 * @example
 * for (const edge of readJob(job).edges) console.log(`${edge.from} -> ${edge.to}: ${edge.records}`);
 */
export interface EdgeReading extends EdgeDescription {
  /** Records sent along the edge since the job started. */
  readonly records: number;
}

/**
 * Checkpoint figures at the time of reading.
 *
 * @example
 * const { completed, lastAgeMs } = readJob(job).checkpoints;
 * if (completed > 0 && lastAgeMs !== undefined && lastAgeMs > 60_000) console.warn("no checkpoint for a minute");
 */
export interface CheckpointReading {
  /** Checkpoints stored. */
  readonly completed: number;
  /** Checkpoints that could not be stored within the tolerated failures. */
  readonly failed: number;
  /** Attempts to store a checkpoint that failed (each retry counts). */
  readonly failedAttempts: number;
  /** From the barrier to the store, of the last completed checkpoint (ms). */
  readonly lastDurationMs: number | undefined;
  /** Bytes the last completed checkpoint wrote. */
  readonly lastBytesWritten: number;
  /** Key-group blobs the last completed checkpoint wrote. */
  readonly lastKeyGroupsWritten: number;
  /** Processing time the last completed checkpoint was stored. */
  readonly lastCompletedAt: number | undefined;
  /** Processing time since then (ms). */
  readonly lastAgeMs: number | undefined;
  /** The most recent checkpoints, oldest first. */
  readonly history: readonly CheckpointRecord[];
}

/**
 * Everything observable about a job at one instant of its processing time.
 *
 * @example
 * const reading: JobReading = readJob(job);
 * console.log(`${reading.job} is ${reading.status}, ${reading.nodes.length} nodes`);
 */
export interface JobReading {
  /** The job's name. */
  readonly job: string;
  /** Created, running, or how its last run ended. */
  readonly status: JobStatus;
  /** Processing time of the reading (the job's clock). */
  readonly time: number;
  /** Processing time the run started; undefined before `run()`. */
  readonly startedAt: number | undefined;
  /** Processing time the run ended; undefined while it runs. */
  readonly endedAt: number | undefined;
  /** Every node with its counters, in the order of `job.describe()`. */
  readonly nodes: readonly NodeReading[];
  /** Every edge with its records, in the order of `job.describe()`. */
  readonly edges: readonly EdgeReading[];
  /** The checkpoint figures. */
  readonly checkpoints: CheckpointReading;
}

/** Checkpoints of the history a reading carries by default. */
const HISTORY_IN_READING = 30;

/**
 * Reads a job's graph and counters into plain data, at the job's processing time. Nothing of this
 * runs unless it is called: the job itself only increments counters.
 *
 * Sources, operators and sinks count their own records. A union or side-output node only routes
 * records, so its figures are derived: a side-output node carries what its input sent to the
 * tag, a union the sum of its inputs; the watermark of a union is the minimum of its inputs'.
 *
 * @example
 * const reading = readJob(job);
 * for (const node of reading.nodes) console.log(node.id, node.recordsOut, node.watermark);
 */
export function readJob(job: Job, history = HISTORY_IN_READING): JobReading {
  const time = job.clock.now();
  const { nodes: described, edges: describedEdges } = job.describe();
  const metrics = job.metrics;
  const byId = new Map(described.map((n) => [n.id, n]));
  const inputs = new Map<string, EdgeDescription[]>();
  for (const edge of describedEdges) {
    const list = inputs.get(edge.to) ?? [];
    list.push(edge);
    inputs.set(edge.to, list);
  }

  // Records a node sent on its main output, or to `tag`: counted for sources and operators,
  // derived for the routing nodes (which read their inputs' figures, and never form cycles).
  const sent = (id: string, tag: string | undefined): number => {
    const node = byId.get(id)!;
    if (node.kind === "side-output") return tag === undefined ? sent(inputOf(id).from, node.tag) : 0;
    if (node.kind === "union") return sum(inputs.get(id) ?? [], (e) => sent(e.from, tag));
    const m = metrics.forOperator(id);
    return tag === undefined ? m.recordsOut : (m.sideOutputRecords.get(tag) ?? 0);
  };
  const watermarkOf = (id: string): number => {
    const node = byId.get(id)!;
    if (node.kind === "union") {
      return Math.min(...(inputs.get(id) ?? []).map((e) => watermarkOf(e.from)));
    }
    if (node.kind === "side-output") return watermarkOf(inputOf(id).from);
    return metrics.forOperator(id).watermark;
  };
  const inputOf = (id: string): EdgeDescription => inputs.get(id)![0]!;

  const edges: EdgeReading[] = describedEdges.map((e) => ({ ...e, records: sent(e.from, e.tag) }));
  const nodes: NodeReading[] = described.map((node) => {
    const m = metrics.forOperator(node.id);
    const routing = node.kind === "union" || node.kind === "side-output";
    const received = sum(
      edges.filter((e) => e.to === node.id),
      (e) => e.records,
    );
    const raw = node.kind === "source" ? Number.NEGATIVE_INFINITY : watermarkOf(node.id);
    const watermark: WatermarkReading =
      raw === Number.POSITIVE_INFINITY ? "end" : raw === Number.NEGATIVE_INFINITY ? undefined : raw;
    const reading: NodeReading = {
      ...node,
      recordsIn: routing ? received : m.recordsIn,
      recordsOut: routing ? received : m.recordsOut,
      lateRecordsSideOutput: m.lateRecordsSideOutput,
      lateRecordsDropped: m.lateRecordsDropped,
      failedRecords: m.failedRecords,
      deadLetters: m.deadLetters,
      sideOutputRecords: Object.fromEntries(m.sideOutputRecords),
      watermark,
      watermarkLagMs: typeof watermark === "number" ? time - watermark : undefined,
      backPressuredTimeMs: m.backPressuredTimeMs,
      busyTimeMs: m.busyTimeMs,
    };
    return node.kind === "source" ? { ...reading, splits: metrics.splits(node.id) } : reading;
  });

  const c = metrics.checkpoints;
  const lastCompletedAt = Number.isNaN(c.lastCompletedAt) ? undefined : c.lastCompletedAt;
  return {
    job: job.name,
    status: metrics.status,
    time,
    startedAt: Number.isNaN(metrics.startedAt) ? undefined : metrics.startedAt,
    endedAt: Number.isNaN(metrics.endedAt) ? undefined : metrics.endedAt,
    nodes,
    edges,
    checkpoints: {
      completed: c.completed,
      failed: c.failed,
      failedAttempts: c.failedAttempts,
      lastDurationMs: Number.isNaN(c.lastDurationMs) ? undefined : c.lastDurationMs,
      lastBytesWritten: c.lastBytesWritten,
      lastKeyGroupsWritten: c.lastKeyGroupsWritten,
      lastCompletedAt,
      lastAgeMs: lastCompletedAt === undefined ? undefined : time - lastCompletedAt,
      history: c.history.slice(-history),
    },
  };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}
