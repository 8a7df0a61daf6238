import { Subject, type Subscription } from "rxjs";
import { CheckpointCoordinator } from "../checkpoint/coordinator.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { type RestoredCheckpoint, readCheckpoint } from "../checkpoint/restore.ts";
import { DataStream } from "../dsl/data-stream.ts";
import { silentLogger } from "../logging/logger.ts";
import { compileGraph } from "../runtime/compile.ts";
import type { StreamElement } from "../runtime/elements.ts";
import { type GraphNode, JobGraph } from "../runtime/graph.ts";
import { JobMetrics } from "../runtime/metrics.ts";
import type { OutputTag } from "../runtime/output-tag.ts";
import type { Source } from "../runtime/source.ts";
import { deserializeSnapshot, type StageRuntime } from "../runtime/stage-runtime.ts";
import { DEFAULT_KEY_GROUPS } from "../state/key-group.ts";
import { v8Serde } from "../state/serde.ts";
import { VirtualClock } from "../time/clock.ts";

/**
 * A record as the harness saw it come out.
 *
 * @example
 * const h = createTestHarness((input: DataStream<number>) => input.map((n) => n + 1));
 * await h.processElement(1, 500);
 * const out: TimestampedValue<number>[] = h.output(); // [{ value: 2, timestamp: 500 }]
 */
export interface TimestampedValue<T> {
  /** The record. */
  readonly value: T;
  /** Its event time. */
  readonly timestamp: number;
}

/**
 * Options of {@link createTestHarness}.
 *
 * @example
 * const options: TestHarnessOptions = { keyGroups: 4, startTime: Date.parse("2026-01-01T00:00:00Z"), split: "shard-1" };
 * const h = createTestHarness((input: DataStream<Click>) => input.filter((c) => c.page !== "/health"), options);
 */
export interface TestHarnessOptions {
  /** Key groups (default 128). */
  readonly keyGroups?: number;
  /** Processing time at the start (default 0). */
  readonly startTime?: number;
  /** Name of the harness input's split (default `"0"`), as seen by `withWatermarks`. */
  readonly split?: string;
}

/**
 * Drives a pipeline fragment by hand on virtual time, as Flink's operator test harnesses do: push
 * records and watermarks, move processing time, snapshot and restore mid-stream, and read exactly
 * what came out. Everything runs synchronously; the methods return promises so tests read the same
 * whatever the runtime does later.
 *
 * @example
 * const late = new OutputTag<Click>("late");
 * const h: TestHarness<Click, WindowResult<string, TimeWindow, number>> = createTestHarness((input: DataStream<Click>) =>
 *   input.keyBy((c) => c.page).window(tumbling(minutes(1))).sideOutputLateData(late).aggregate(count()),
 * );
 * await h.processElement({ user: "u1", page: "/", at: 1_000 }, 1_000);
 * await h.snapshotAndRestore(); // the window's count survives a restore
 * await h.processElement({ user: "u2", page: "/", at: 2_000 }, 2_000);
 * await h.processWatermark(59_999);
 * expect(h.values()).toEqual([{ key: "/", window: { start: 0, end: 60_000 }, value: 2 }]);
 * await h.processElement({ user: "u3", page: "/", at: 3_000 }, 3_000); // behind the watermark
 * expect(h.sideOutput(late).map((r) => r.value.user)).toEqual(["u3"]);
 */
export interface TestHarness<TIn, TOut> {
  /** One record with event time `timestamp`, as one batch. */
  processElement(value: TIn, timestamp: number): Promise<void>;
  /** Several records in one batch (as a source would send them). */
  processElements(records: readonly TimestampedValue<TIn>[]): Promise<void>;
  /** A watermark: everything it makes due fires before this resolves. */
  processWatermark(timestamp: number): Promise<void>;
  /** Moves processing time to `timestamp`, firing processing-time timers due by then. */
  setProcessingTime(timestamp: number): Promise<void>;
  /**
   * Checkpoints every operator (incrementally, as the job does), discards the running operators
   * and continues on new ones restored from that checkpoint. Output collected so far is kept. The
   * checkpoint goes through the job's own coordinator into an in-memory store and is read back as
   * a job restores it, so what survives here survives a job's restart.
   */
  snapshotAndRestore(): Promise<void>;
  /** Ends the input: the final watermark, then end of input. */
  endInput(): Promise<void>;
  /** Main output so far, in emission order. */
  output(): TimestampedValue<TOut>[];
  /** Just the values of `output()`. */
  values(): TOut[];
  /** A side output so far, in emission order. */
  sideOutput<S>(tag: OutputTag<S>): TimestampedValue<S>[];
  /** Watermarks that came out, in order. */
  watermarks(): number[];
  /** Per-operator counters (records in/out, late, failed). */
  metrics(): ReturnType<JobMetrics["snapshot"]>;
}

/** The harness's output, as a sink of the checkpoints it takes. */
const HARNESS_OUTPUT = "harness-output";

const HARNESS_SOURCE: Source<never> = {
  name: "harness",
  bounded: false,
  open: () => {
    throw new Error("the harness feeds its input directly");
  },
};

/**
 * Builds a harness around `build`, which receives the input stream and returns the stream under
 * test.
 *
 * @example
 * const h = createTestHarness((input: DataStream<number>) =>
 *   input.keyBy((n) => n % 2).window(tumbling(10)).aggregate(count()));
 * await h.processElement(1, 3);
 * await h.processWatermark(9);
 * expect(h.values()).toEqual([{ key: 1, window: { start: 0, end: 10 }, value: 1 }]);
 */
export function createTestHarness<TIn, TOut>(
  build: (input: DataStream<TIn>) => DataStream<TOut>,
  options: TestHarnessOptions = {},
): TestHarness<TIn, TOut> {
  const graph = new JobGraph("test-harness");
  const sourceNode = graph.add("source(harness)", undefined, (id) => ({
    kind: "source",
    id,
    source: HARNESS_SOURCE as Source<unknown>,
  }));
  const outputNode: GraphNode = build(new DataStream<TIn>(graph, sourceNode)).node;

  const clock = new VirtualClock(options.startTime ?? 0);
  const metrics = new JobMetrics();
  const split = options.split ?? "0";
  const main: TimestampedValue<TOut>[] = [];
  const sides = new Map<OutputTag<unknown>, TimestampedValue<unknown>[]>();
  const watermarks: number[] = [];
  let restored: RestoredCheckpoint | undefined;
  let failure: unknown;

  const store = new MemoryCheckpointStore();
  const coordinator = new CheckpointCoordinator({
    job: "test-harness",
    keyGroups: options.keyGroups ?? DEFAULT_KEY_GROUPS,
    checkpoints: { store, retain: 1 },
    participants: {
      injectBarrier: (checkpointId, full) => {
        coordinator.acknowledgeSource(sourceNode.id, checkpointId, new Map());
        input.next({ kind: "barrier", checkpointId, full });
      },
      sinkIds: [HARNESS_OUTPUT],
      notifyComplete: async () => {},
    },
    clock,
    serde: v8Serde,
    logger: silentLogger,
    metrics: metrics.checkpoints,
    onFatal: (error) => {
      failure ??= error;
    },
  });

  const runtime: StageRuntime = {
    clock,
    keyGroups: options.keyGroups ?? DEFAULT_KEY_GROUPS,
    metrics,
    serde: v8Serde,
    restoredState: (id) => {
      const state = restored?.operators.get(id);
      return state ? deserializeSnapshot(state, v8Serde) : undefined;
    },
    acknowledgeOperator: (id, checkpointId, snapshot) =>
      coordinator.acknowledgeOperator(id, checkpointId, snapshot),
  };

  let input: Subject<StreamElement<TIn>>;
  let subscription: Subscription;
  const start = () => {
    input = new Subject<StreamElement<TIn>>();
    const elementsOf = compileGraph([outputNode], runtime, () => input as Subject<StreamElement<unknown>>);
    subscription = elementsOf(outputNode).subscribe({
      next(element) {
        if (element.kind === "watermark") watermarks.push(element.timestamp);
        if (element.kind === "barrier")
          coordinator.acknowledgeSink(HARNESS_OUTPUT, element.checkpointId, undefined);
        if (element.kind !== "data") return;
        const target =
          element.tag === undefined ? (main as TimestampedValue<unknown>[]) : sideList(element.tag);
        for (let i = 0; i < element.values.length; i++) {
          target.push({ value: element.values[i], timestamp: element.timestamps[i]! });
        }
      },
      error(error) {
        failure = error;
      },
    });
  };
  const sideList = (tag: OutputTag<unknown>) => {
    let list = sides.get(tag);
    if (!list) {
      list = [];
      sides.set(tag, list);
    }
    return list;
  };
  const push = (element: StreamElement<TIn>): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure);
    input.next(element);
    return failure === undefined ? Promise.resolve() : Promise.reject(failure);
  };
  start();

  return {
    processElement: (value, timestamp) =>
      push({ kind: "data", values: [value], timestamps: [timestamp], split }),
    processElements: (records) =>
      push({
        kind: "data",
        values: records.map((r) => r.value),
        timestamps: records.map((r) => r.timestamp),
        split,
      }),
    processWatermark: (timestamp) => push({ kind: "watermark", timestamp }),
    setProcessingTime: (timestamp) => {
      if (failure !== undefined) return Promise.reject(failure);
      clock.advanceTo(timestamp);
      return failure === undefined ? Promise.resolve() : Promise.reject(failure);
    },
    async snapshotAndRestore() {
      if (failure !== undefined) throw failure;
      const checkpoint = coordinator.trigger("checkpoint")!;
      // An operator that failed on the barrier never lets it reach the output.
      if (failure !== undefined) coordinator.abort(failure as Error);
      const manifest = await checkpoint;
      restored = await readCheckpoint(store, manifest, v8Serde);
      subscription.unsubscribe();
      start();
    },
    endInput: async () => {
      await push({ kind: "watermark", timestamp: Number.POSITIVE_INFINITY });
      await push({ kind: "end" });
    },
    output: () => [...main],
    values: () => main.map((r) => r.value),
    sideOutput: <S>(tag: OutputTag<S>) => [...(sides.get(tag) ?? [])] as TimestampedValue<S>[],
    watermarks: () => [...watermarks],
    metrics: () => metrics.snapshot(),
  };
}
