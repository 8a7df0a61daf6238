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
 */
export type WatermarkReading = number | "end" | undefined;

/** One node of the job graph with its counters at the time of reading. */
export interface NodeReading extends NodeDescription {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly lateRecordsSideOutput: number;
  readonly lateRecordsDropped: number;
  readonly failedRecords: number;
  /** Records this node sent to side outputs, by tag id. */
  readonly sideOutputRecords: Readonly<Record<string, number>>;
  readonly watermark: WatermarkReading;
  /** Processing time minus the watermark (ms), when the watermark is a time. */
  readonly watermarkLagMs: number | undefined;
  /** Sources: total ms spent waiting on downstream. */
  readonly backPressuredTimeMs: number;
  /** Sinks: total ms with a write in flight. */
  readonly busyTimeMs: number;
  /** Sources: their splits, with positions and lag. */
  readonly splits?: readonly SplitMetrics[];
}

/** An edge of the job graph with the records that went along it. */
export interface EdgeReading extends EdgeDescription {
  readonly records: number;
}

/** Checkpoint figures at the time of reading. */
export interface CheckpointReading {
  readonly completed: number;
  readonly failed: number;
  readonly failedAttempts: number;
  readonly lastDurationMs: number | undefined;
  readonly lastBytesWritten: number;
  readonly lastKeyGroupsWritten: number;
  /** Processing time the last completed checkpoint was stored. */
  readonly lastCompletedAt: number | undefined;
  /** Processing time since then (ms). */
  readonly lastAgeMs: number | undefined;
  /** The most recent checkpoints, oldest first. */
  readonly history: readonly CheckpointRecord[];
}

/** Everything observable about a job at one instant of its processing time. */
export interface JobReading {
  readonly job: string;
  readonly status: JobStatus;
  /** Processing time of the reading (the job's clock). */
  readonly time: number;
  readonly startedAt: number | undefined;
  /** Processing time the run ended; undefined while it runs. */
  readonly endedAt: number | undefined;
  readonly nodes: readonly NodeReading[];
  readonly edges: readonly EdgeReading[];
  readonly checkpoints: CheckpointReading;
}

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

/** Checkpoints of the history a reading carries by default. */
export const HISTORY_IN_READING = 30;

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}
