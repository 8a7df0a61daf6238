import { CheckpointFailedError } from "../checkpoint/checkpoint-failed-error.ts";
import type { CheckpointManifest } from "../checkpoint/checkpoint-store.ts";
import { CheckpointCoordinator } from "../checkpoint/coordinator.ts";
import type { RestoredCheckpoint } from "../checkpoint/restore.ts";
import type { Logger } from "../logging/logger.ts";
import { compileGraph } from "../runtime/compile.ts";
import { loggingDeadLetters } from "../runtime/dead-letters.ts";
import type { SplitId } from "../runtime/elements.ts";
import { OperatorError, PipelineDefinitionError } from "../runtime/errors.ts";
import type { JobGraph, SourceNode } from "../runtime/graph.ts";
import type { JobMetrics } from "../runtime/metrics.ts";
import type { Sink, SinkWriter } from "../runtime/sink.ts";
import { InFlightLimit, SinkStage } from "../runtime/sink-stage.ts";
import { SourceDriver } from "../runtime/source-driver.ts";
import { SplitWatermarks } from "../runtime/split-watermarks.ts";
import { deserializeSnapshot, type StageRuntime } from "../runtime/stage-runtime.ts";
import type { Serde } from "../state/serde.ts";
import type { Cancel, Clock } from "../time/clock.ts";
import { keepProcessAlive } from "../time/keep-alive.ts";
import { DEAD_LETTER_SINK_ID, DeadLetterChannel } from "./dead-letter-channel.ts";
import { FirstFailure } from "./first-failure.ts";
import { schedulePeriodicCheckpoints } from "./periodic-checkpoints.ts";
import type { PipelineOptions } from "./pipeline-options.ts";
import { stopOnProcessSignals } from "./process-signals.ts";

/**
 * How a run ended.
 *
 * @example
 * const result: JobResult = await job.run();
 * if (result.restoredFrom !== undefined) console.log(`resumed from checkpoint ${result.restoredFrom}`);
 * console.log(result.outcome); // "finished" or "stopped"
 */
export interface JobResult {
  /** `finished`: every source was read to its end; `stopped`: `stop()` or a signal ended it. */
  readonly outcome: "finished" | "stopped";
  /** The checkpoint the run started from, if any. */
  readonly restoredFrom: number | undefined;
}

/** What every way of running a job is built from: the job as defined, and its services. */
export interface JobSettings {
  readonly name: string;
  readonly graph: JobGraph;
  readonly clock: Clock;
  readonly keyGroups: number;
  readonly serde: Serde<unknown>;
  /** The job's logger (bound to the job). */
  readonly logger: Logger;
  readonly metrics: JobMetrics;
  readonly options: PipelineOptions;
}

/** What one run of a job is built from. */
export interface JobRunSettings extends JobSettings {
  /** The checkpoint the run starts from, if any. */
  readonly restored: RestoredCheckpoint | undefined;
  /** The newest checkpoint id in the store: new checkpoints are numbered after it. */
  readonly highestStoredId: number;
  /** The splits this run reads when it runs on one of several workers; `undefined`: all. */
  readonly assignedSplits?: ReadonlySet<SplitId> | undefined;
  /** The key groups of those splits, whose state this run owns; `undefined`: all. */
  readonly ownedKeyGroups?: ReadonlySet<number> | undefined;
  /** On one of several workers: which writer its sinks are, and per sink what others left to commit. */
  readonly writer?: RunWriter | undefined;
}

/** The writer a run's sinks are on one of several workers (see {@link SinkWriter}). */
export interface RunWriter {
  readonly workerId: string;
  readonly incarnation: number;
  /** Per sink id, the pre-commit states other workers' last publishes left. */
  readonly othersPending: ReadonlyMap<string, readonly unknown[]>;
}

/**
 * One run of a job: it wires the graph's stages (source drivers, operators, sink stages, the
 * dead-letter sink) to the checkpoint coordinator, opens and closes the connectors, and ends with
 * the first failure of any of them, when every sink has finished, or when it is stopped.
 */
export class JobRun {
  readonly #settings: JobRunSettings;
  readonly #abort = new AbortController();
  readonly #failure = new FirstFailure();
  readonly #drivers = new Map<string, SourceDriver<unknown>>();
  /** The graph's sink stages, then the dead-letter sink's, if the job has one. */
  readonly #sinks: SinkStage[] = [];
  readonly #deadLetters: DeadLetterChannel;
  readonly #coordinator: CheckpointCoordinator | undefined;
  /** Each source split's watermark per assigner, restored and reported; checkpoints keep it. */
  readonly #splitWatermarks: SplitWatermarks;
  #stopped = false;
  /** Set once the sources are wired and may read (a checkpoint can be taken from then on). */
  #reading = false;
  #cancelPeriodic: Cancel = () => {};
  /** Set by the first {@link JobRun.stopAtCheckpoint}: later calls join it. */
  #stoppingAtCheckpoint: Promise<CheckpointManifest | undefined> | undefined;

  constructor(settings: JobRunSettings) {
    this.#settings = settings;
    const { name, graph, options, restored } = settings;
    this.#deadLetters = new DeadLetterChannel(options.deadLetters);
    this.#splitWatermarks = new SplitWatermarks(
      graph.nodes.filter((node) => node.kind === "source").map((node) => node.id),
      { kept: restored?.manifest.splitWatermarks, assignedSplits: settings.assignedSplits },
    );
    if (options.deadLetters && graph.nodes.some((node) => node.id === DEAD_LETTER_SINK_ID)) {
      throw new PipelineDefinitionError(
        `job "${name}": "${DEAD_LETTER_SINK_ID}" names the job's dead-letter sink; give the node of that name another one`,
      );
    }
    if (options.checkpoints) {
      const sinkIds = graph.sinks.map((node) => node.id);
      this.#coordinator = new CheckpointCoordinator({
        job: name,
        keyGroups: settings.keyGroups,
        checkpoints: options.checkpoints,
        participants: {
          injectBarrier: (id, full) => {
            for (const driver of this.#drivers.values()) driver.requestBarrier(id, full);
          },
          sinkIds: options.deadLetters ? [...sinkIds, DEAD_LETTER_SINK_ID] : sinkIds,
          lastSink: options.deadLetters
            ? { id: DEAD_LETTER_SINK_ID, injectBarrier: (id, full) => this.#deadLetters.barrier(id, full) }
            : undefined,
          notifyComplete: async (id) => {
            await Promise.all(this.#sinks.map((stage) => stage.notifyCheckpointComplete(id)));
          },
        },
        clock: settings.clock,
        serde: settings.serde,
        logger: settings.logger,
        metrics: settings.metrics.checkpoints,
        onFatal: (error) => this.#failure.fail(error),
        restoredFrom: restored?.manifest,
        highestStoredId: settings.highestStoredId,
      });
    }
  }

  async run(): Promise<JobResult> {
    const { name, graph, logger, options, restored } = this.#settings;
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const limit = new InFlightLimit(options.maxInFlightWrites ?? 64);
    const elementsOf = compileGraph(graph.sinks, this.#stageRuntime(), (node) =>
      this.#drive(node, started, limit),
    );
    for (const node of graph.sinks) this.#sinks.push(this.#sinkStage(node, limit));
    const deadLetterStage =
      options.deadLetters && this.#sinkStage({ id: DEAD_LETTER_SINK_ID, sink: options.deadLetters }, limit);
    if (deadLetterStage) this.#sinks.push(deadLetterStage);

    const stopOnSignals = options.stopOnSignals ?? options.checkpoints !== undefined;
    const removeSignalHandlers = stopOnSignals
      ? stopOnProcessSignals(name, logger, (withSavepoint) => this.stop(withSavepoint))
      : () => {};
    const releaseProcess = keepProcessAlive();
    try {
      for (const stage of this.#sinks) await this.#open(stage);
      const runs = graph.sinks.map((node, i) => this.#sinks[i]!.run(elementsOf(node)));
      const all = [...runs];
      if (deadLetterStage) {
        all.push(deadLetterStage.run(this.#deadLetters.elements));
        // The dead-letter sink's input ends once every other sink has finished (nothing can send
        // letters any more); when the job is stopped it just completes.
        Promise.all(runs).then(
          () => (this.#stopped ? this.#deadLetters.close() : this.#deadLetters.end()),
          () => {},
        );
      }
      this.#schedulePeriodicCheckpoints();
      this.#reading = !this.#stopped;
      release();
      await Promise.race([Promise.all(all), this.#failure.failed]);
      if (this.#failure.reason) throw this.#failure.reason;
      return {
        outcome: this.#stopped ? "stopped" : "finished",
        restoredFrom: restored?.manifest.checkpointId,
      };
    } catch (error) {
      const reason = this.#failure.fail(error);
      logger.error(
        `job "${name}" failed: ${reason.message}`,
        reason instanceof OperatorError ? { operator: reason.operator } : undefined,
      );
      throw reason;
    } finally {
      removeSignalHandlers();
      releaseProcess();
      this.#cancelPeriodic();
      this.#abort.abort();
      for (const stage of this.#sinks) stage.stop();
      this.#deadLetters.close();
      this.#coordinator?.abort(
        this.#failure.reason ?? new Error(`job "${name}" ended before the checkpoint completed`),
      );
      release();
      await Promise.all([...this.#drivers.values()].map((driver) => driver.closed()));
      for (const stage of this.#sinks) await stage.sink.close?.();
    }
  }

  /** Takes a savepoint (a full checkpoint kept under `name`). */
  savepoint(name?: string): Promise<CheckpointManifest> {
    if (!this.#coordinator) {
      return Promise.reject(
        new PipelineDefinitionError(
          `job "${this.#settings.name}" has no checkpoint store: configure checkpoints to take savepoints`,
        ),
      );
    }
    return this.#coordinator.trigger("savepoint", name ?? this.#savepointName())!;
  }

  /**
   * Stops the run exactly at a checkpoint (Flink's stop-with-savepoint): the sources stop reading
   * (`SourceDriver.pause`), a checkpoint is taken of everything sent so far — its barrier is the
   * last element, and operators run no processing-time timer after it — and, once it is stored
   * and the sinks were told (two-phase sinks commit), the run stops. Nothing is written past the
   * checkpoint, so a run restored from it writes nothing twice, even to an at-least-once sink.
   * With `savepoint` the checkpoint is a savepoint kept under `savepoint.name` (a graceful stop of
   * a single process); without, a plain checkpoint (a worker's planned restart).
   * If the checkpoint fails the run stops all the same and this rejects with the failure: a
   * restart then replays from the last checkpoint stored. Resolves `undefined` when the run was
   * stopped before its sources started (nothing read, nothing to checkpoint). A second call while
   * one is under way (SIGTERM, then Ctrl-C) joins it.
   */
  stopAtCheckpoint(savepoint?: { readonly name?: string }): Promise<CheckpointManifest | undefined> {
    this.#stoppingAtCheckpoint ??= this.#stopAtCheckpoint(savepoint);
    return this.#stoppingAtCheckpoint;
  }

  async #stopAtCheckpoint(
    savepoint: { readonly name?: string } | undefined,
  ): Promise<CheckpointManifest | undefined> {
    const coordinator = this.#coordinator;
    if (!coordinator) {
      await this.stop(false);
      throw new PipelineDefinitionError(`job "${this.#settings.name}" has no checkpoint store to stop at`);
    }
    if (!this.#reading) {
      // No source has been started: nothing was read, so nothing can be written twice.
      await this.stop(false);
      return undefined;
    }
    for (const driver of this.#drivers.values()) driver.pause();
    try {
      return await (savepoint
        ? coordinator.trigger("savepoint", savepoint.name ?? this.#savepointName())
        : coordinator.trigger("checkpoint", undefined, { queue: true }))!;
    } finally {
      await this.stop(false);
    }
  }

  /**
   * Stops the run without draining windows. With `withSavepoint` (SIGTERM, SIGINT,
   * `job.stop({ savepoint: true })`) it stops exactly at a savepoint ({@link JobRun.stopAtCheckpoint}):
   * nothing is read or written after it, so a run restored from it writes nothing twice.
   */
  async stop(withSavepoint: boolean): Promise<void> {
    if (withSavepoint && this.#coordinator) {
      await this.stopAtCheckpoint({});
      return;
    }
    this.#stopped = true;
    this.#cancelPeriodic();
    this.#abort.abort();
    // No barrier is injected any more, so a pending checkpoint cannot complete; sinks waiting at
    // their end for one must not hold the stop.
    this.#coordinator?.abort(new CheckpointFailedError(`job "${this.#settings.name}" was stopped`));
  }

  #savepointName(): string {
    return `savepoint-${this.#settings.clock.now()}`;
  }

  #schedulePeriodicCheckpoints(): void {
    const every = this.#settings.options.checkpoints?.every;
    const coordinator = this.#coordinator;
    if (!coordinator || every === undefined) return;
    this.#cancelPeriodic = schedulePeriodicCheckpoints(this.#settings.clock, every, () =>
      coordinator.trigger("checkpoint"),
    );
  }

  /** What every operator stage is lent: restored state, and where its snapshots go. */
  #stageRuntime(): StageRuntime {
    const { clock, keyGroups, metrics, serde, restored, ownedKeyGroups } = this.#settings;
    const coordinator = this.#coordinator;
    return {
      clock,
      keyGroups,
      metrics,
      serde,
      ownedKeyGroups,
      splitWatermarks: this.#splitWatermarks,
      deadLetters: (id) => this.#connectorServices(id).deadLetters,
      restoredState: (id) => {
        const state = restored?.operators.get(id);
        return state ? deserializeSnapshot(state, serde) : undefined;
      },
      acknowledgeOperator: (id, checkpointId, snapshot) =>
        coordinator?.acknowledgeOperator(id, checkpointId, snapshot),
    };
  }

  /** Starts reading a source node once `started` resolves; its elements flow into the graph. */
  #drive(node: SourceNode, started: Promise<void>, limit: InFlightLimit) {
    const { clock, metrics, restored } = this.#settings;
    const coordinator = this.#coordinator;
    const driver = new SourceDriver<unknown>(node, {
      clock,
      started,
      signal: this.#abort.signal,
      restoredPositions: (id) =>
        new Map(Object.entries(restored?.manifest.sources[id] ?? {})) as Map<SplitId, unknown>,
      // The splits' watermarks as assigners have them now: for records up to these positions
      // at most (an assigner sees a batch only after the driver handed it on).
      acknowledgeSource: (id, checkpointId, positions) =>
        coordinator?.acknowledgeSource(id, checkpointId, positions, this.#splitWatermarks.ofSource(id)),
      whenWritable: () => limit.whenWritable(),
      assignedSplits: this.#settings.assignedSplits,
      ...this.#connectorServices(node.id),
    });
    metrics.reportSplits(node.id, () => driver.splits());
    this.#drivers.set(node.id, driver);
    return driver.elements;
  }

  #sinkStage(node: { readonly id: string; readonly sink: Sink<unknown> }, limit: InFlightLimit): SinkStage {
    const coordinator = this.#coordinator;
    return new SinkStage(node, {
      limit,
      acknowledgeSink: (id, checkpointId, state) => coordinator?.acknowledgeSink(id, checkpointId, state),
      checkpointAtEnd: coordinator ? () => coordinator.checkpointAtEnd(node.id) : undefined,
      metrics: this.#settings.metrics.forOperator(node.id),
      clock: this.#settings.clock,
    });
  }

  #open(stage: SinkStage): Promise<void> | void {
    const { clock, restored } = this.#settings;
    const services = this.#connectorServices(stage.node.id);
    return stage.sink.open?.({
      ...services,
      // The dead-letter sink cannot set its own letters aside: they are logged.
      deadLetters:
        stage.node.id === DEAD_LETTER_SINK_ID
          ? loggingDeadLetters(services.logger, services.metrics)
          : services.deadLetters,
      clock,
      signal: this.#abort.signal,
      restoredState: restored?.sinks.get(stage.node.id),
      restoredCheckpointId: restored?.manifest.checkpointId,
      writer: this.#writerOf(stage.node.id),
    });
  }

  #writerOf(sinkId: string): SinkWriter | undefined {
    const writer = this.#settings.writer;
    if (!writer) return undefined;
    const { workerId, incarnation, othersPending } = writer;
    return { workerId, incarnation, othersPending: othersPending.get(sinkId) ?? [] };
  }

  /** What every source and sink of node `id` is lent: its metrics, a bound logger, dead letters. */
  #connectorServices(id: string) {
    const { metrics: jobMetrics, logger: jobLogger } = this.#settings;
    const metrics = jobMetrics.forOperator(id);
    const logger = jobLogger.child?.({ connector: id }) ?? jobLogger;
    return { metrics, logger, deadLetters: this.#deadLetters.outputFor(logger, metrics) };
  }
}
