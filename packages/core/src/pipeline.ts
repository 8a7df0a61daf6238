import type { CheckpointManifest } from "./checkpoint/checkpoint-store.ts";
import {
  CheckpointCoordinator,
  CheckpointFailedError,
  type CheckpointOptions,
} from "./checkpoint/coordinator.ts";
import { consoleLogger, type Logger } from "./checkpoint/logger.ts";
import { loadCheckpoint, type RestoredCheckpoint, type StartFrom } from "./checkpoint/restore.ts";
import { DataStream } from "./dsl/data-stream.ts";
import { compileGraph } from "./runtime/compile.ts";
import { loggingDeadLetters } from "./runtime/dead-letters.ts";
import type { SplitId } from "./runtime/elements.ts";
import { OperatorError, PipelineDefinitionError } from "./runtime/errors.ts";
import { type JobDescription, JobGraph, type SourceNode } from "./runtime/graph.ts";
import { JobMetrics } from "./runtime/metrics.ts";
import { InFlightLimit, SinkStage } from "./runtime/sink-stage.ts";
import type { Source } from "./runtime/source.ts";
import { SourceDriver } from "./runtime/source-driver.ts";
import { deserializeSnapshot, type StageRuntime } from "./runtime/stage-runtime.ts";
import { DEFAULT_KEY_GROUPS } from "./state/key-group.ts";
import { type Serde, v8Serde } from "./state/serde.ts";
import { type Clock, systemClock } from "./time/clock.ts";

/**
 * Options of {@link pipeline}.
 *
 * @example
 * const options: PipelineOptions = {
 *   checkpoints: { every: seconds(10), store },
 *   startFrom: "latest",
 *   keyGroups: 128,
 *   logger: silentLogger,
 * };
 * const job = pipeline("fx-pricing", options);
 */
export interface PipelineOptions {
  /** Processing time; tests pass a `VirtualClock`. Default: the wall clock. */
  readonly clock?: Clock;
  /** Key groups keyed state is split into (default 128); fixed for the life of a job. */
  readonly keyGroups?: number;
  /** Checkpointing; without it a crashed job starts over. */
  readonly checkpoints?: CheckpointOptions;
  /** Where to start when the store holds checkpoints: `"latest"` (default), `{ savepoint: name }`, or `"fresh"`. */
  readonly startFrom?: StartFrom;
  /** Start even if the checkpoint holds state of operators this job no longer has (it is dropped). */
  readonly allowNonRestoredState?: boolean;
  /** Serializes state blobs (default: Node's structured clone). */
  readonly serde?: Serde<unknown>;
  /** Where restores, retries and failures are reported (default {@link consoleLogger}, stderr). */
  readonly logger?: Logger;
  /** Sink writes queued across the job before sources wait (backpressure). Default 64 batches. */
  readonly maxInFlightWrites?: number;
  /**
   * On SIGTERM or SIGINT: take a final savepoint (when checkpointing) and stop cleanly. Default
   * true when checkpoints are configured.
   */
  readonly stopOnSignals?: boolean;
}

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

/**
 * Creates a job. Add sources with `job.source(...)`, build the pipeline on the returned streams,
 * then `await job.run()`.
 *
 * @example
 * const job = pipeline("word-count");
 * job.source(fromIterable(["a b", "b"]))
 *   .flatMap((line) => line.split(" "))
 *   .keyBy((word) => word)
 *   .reduce((a, b) => a + b)
 *   .sink(consoleSink());
 * await job.run();
 */
export function pipeline(name: string, options: PipelineOptions = {}): Job {
  return new Job(name, options);
}

/**
 * A job: a dataflow graph plus how to run it. Built with {@link pipeline}.
 *
 * @example
 * const job: Job = pipeline("clicks", { checkpoints: { every: seconds(10), store } });
 * job.source(fromIterable([1, 2, 3])).map((n) => n * 2).sink(consoleSink());
 * const running = job.run();
 * // later, from an admin endpoint:
 * await job.savepoint("before-upgrade");
 * await job.stop();
 * await running;
 */
export class Job {
  readonly #graph: JobGraph;
  readonly #clock: Clock;
  readonly #keyGroups: number;
  readonly #serde: Serde<unknown>;
  readonly #logger: Logger;
  /** Per-operator counters and checkpoint figures of the running job (read them while it runs). */
  readonly metrics = new JobMetrics();
  #running: RunningJob | undefined;

  constructor(
    /**
     * The job's name: checkpoints are stored under it, so a restarted job with the same name resumes
     * where the last one stopped.
     */
    readonly name: string,
    private readonly options: PipelineOptions,
  ) {
    this.#graph = new JobGraph(name);
    this.#clock = options.clock ?? systemClock;
    this.#keyGroups = options.keyGroups ?? DEFAULT_KEY_GROUPS;
    this.#serde = options.serde ?? v8Serde;
    const logger = options.logger ?? consoleLogger;
    this.#logger = logger.child?.({ job: name }) ?? logger;
    if (!Number.isInteger(this.#keyGroups) || this.#keyGroups < 1 || this.#keyGroups > 32_768) {
      throw new PipelineDefinitionError(
        `pipeline "${name}": keyGroups must be an integer in 1..32768, got ${this.#keyGroups}`,
      );
    }
  }

  /** Processing time of the job (the wall clock unless `options.clock` replaced it). */
  get clock(): Clock {
    return this.#clock;
  }

  /**
   * The job's dataflow graph as plain data: its nodes (ids, kinds, labels) and edges. Node ids
   * are the keys of `job.metrics.forOperator(id)` and of `job.metrics.splits(sourceId)`.
   */
  describe(): JobDescription {
    return this.#graph.describe();
  }

  /** Adds a source; its records flow into the returned stream. */
  source<T>(source: Source<T>, options?: { name?: string }): DataStream<T> {
    const node = this.#graph.add(`source(${source.name})`, options?.name, (id) => ({
      kind: "source",
      id,
      source: source as Source<unknown>,
    }));
    return new DataStream<T>(this.#graph, node);
  }

  /**
   * Runs the job: restores the latest checkpoint if the store has one, then runs until every
   * source is exhausted (bounded input) or `stop()` is called. Rejects with the first failure
   * (an {@link OperatorError} names the operator).
   */
  async run(): Promise<JobResult> {
    if (this.#running) throw new PipelineDefinitionError(`job "${this.name}" is already running`);
    const sinkNodes = this.#graph.sinks;
    if (sinkNodes.length === 0) {
      throw new PipelineDefinitionError(`job "${this.name}" has no sink: add one with stream.sink(...)`);
    }
    const restored = await this.#restore();
    const stored = this.options.checkpoints
      ? await this.options.checkpoints.store.checkpoints(this.name)
      : [];
    const running = new RunningJob(this, this.#graph, restored, {
      highestStoredId: Math.max(0, ...stored.map((m) => m.checkpointId)),
      clock: this.#clock,
      keyGroups: this.#keyGroups,
      serde: this.#serde,
      logger: this.#logger,
      metrics: this.metrics,
      options: this.options,
    });
    this.#running = running;
    this.metrics.status = "running";
    this.metrics.startedAt = this.#clock.now();
    this.metrics.endedAt = Number.NaN;
    try {
      const result = await running.run();
      this.metrics.status = result.outcome;
      return result;
    } catch (error) {
      this.metrics.status = "failed";
      throw error;
    } finally {
      this.metrics.endedAt = this.#clock.now();
      this.#running = undefined;
    }
  }

  /** Takes a savepoint (a full checkpoint kept under `name`) while running. */
  savepoint(name?: string): Promise<CheckpointManifest> {
    if (!this.#running)
      return Promise.reject(new PipelineDefinitionError(`job "${this.name}" is not running`));
    return this.#running.savepoint(name);
  }

  /** Stops a running job without draining windows; with `savepoint: true` takes one first. */
  async stop(options: { savepoint?: boolean } = {}): Promise<void> {
    await this.#running?.stop(options.savepoint ?? false);
  }

  async #restore(): Promise<RestoredCheckpoint | undefined> {
    const checkpoints = this.options.checkpoints;
    if (!checkpoints) return undefined;
    const restored = await loadCheckpoint(checkpoints.store, this.name, {
      keyGroups: this.#keyGroups,
      startFrom: this.options.startFrom ?? "latest",
      serde: this.#serde,
      logger: this.#logger,
    });
    if (restored && !this.options.allowNonRestoredState) {
      const ids = new Set(this.#graph.nodes.map((n) => n.id));
      const unknown = [...restored.operators.keys()].filter((id) => !ids.has(id));
      if (unknown.length > 0) {
        throw new PipelineDefinitionError(
          `job "${this.name}": checkpoint ${restored.manifest.checkpointId} holds state of operators this job does not have (${unknown.join(", ")}); name stateful operators with { name } to keep them stable, or set allowNonRestoredState`,
        );
      }
    }
    return restored;
  }
}

interface RunServices {
  /** The newest checkpoint id in the store: new checkpoints are numbered after it. */
  readonly highestStoredId: number;
  readonly clock: Clock;
  readonly keyGroups: number;
  readonly serde: Serde<unknown>;
  readonly logger: Logger;
  readonly metrics: JobMetrics;
  readonly options: PipelineOptions;
}

/** One run of a job: its stages, its checkpoint coordinator, and how it ends. */
class RunningJob {
  readonly #abort = new AbortController();
  readonly #drivers = new Map<string, SourceDriver<unknown>>();
  readonly #sinks: SinkStage[] = [];
  readonly #coordinator: CheckpointCoordinator | undefined;
  #stopped = false;
  #fatal: Error | undefined;
  #failJob: (error: Error) => void = () => {};
  #cancelTimer: (() => void) | undefined;

  constructor(
    private readonly job: Job,
    private readonly graph: JobGraph,
    private readonly restored: RestoredCheckpoint | undefined,
    private readonly services: RunServices,
  ) {
    const checkpoints = services.options.checkpoints;
    if (checkpoints) {
      this.#coordinator = new CheckpointCoordinator(
        job.name,
        services.keyGroups,
        checkpoints,
        {
          injectBarrier: (id, full) => {
            for (const driver of this.#drivers.values()) driver.requestBarrier(id, full);
          },
          sinkIds: graph.sinks.map((s) => s.id),
          notifyComplete: async (id) => {
            await Promise.all(this.#sinks.map((s) => s.notifyCheckpointComplete(id)));
          },
        },
        {
          clock: services.clock,
          serde: services.serde,
          logger: services.logger,
          metrics: services.metrics.checkpoints,
          onFatal: (e) => this.#failJob(e),
        },
        restored?.manifest,
        services.highestStoredId,
      );
    }
  }

  async run(): Promise<JobResult> {
    const { clock, serde, metrics, keyGroups } = this.services;
    const restored = this.restored;
    const coordinator = this.#coordinator;
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const limit = new InFlightLimit(this.services.options.maxInFlightWrites ?? 64);

    const runtime: StageRuntime = {
      clock,
      keyGroups,
      metrics,
      serde,
      restoredState: (id) => {
        const state = restored?.operators.get(id);
        return state ? deserializeSnapshot(state, serde) : undefined;
      },
      acknowledgeOperator: (id, checkpointId, snapshot) =>
        coordinator?.acknowledgeOperator(id, checkpointId, snapshot),
    };
    const driverFor = (node: SourceNode) => {
      const driver = new SourceDriver<unknown>(node, {
        clock,
        started,
        signal: this.#abort.signal,
        restoredPositions: (id) =>
          new Map(Object.entries(restored?.manifest.sources[id] ?? {})) as Map<SplitId, unknown>,
        acknowledgeSource: (id, checkpointId, positions) =>
          coordinator?.acknowledgeSource(id, checkpointId, positions),
        whenWritable: () => limit.whenWritable(),
        ...this.#connectorServices(node.id),
      });
      metrics.reportSplits(node.id, () => driver.splits());
      this.#drivers.set(node.id, driver);
      return driver.elements;
    };

    const sinkNodes = this.graph.sinks;
    const elementsOf = compileGraph(sinkNodes, runtime, driverFor);
    for (const node of sinkNodes) {
      this.#sinks.push(
        new SinkStage(node, {
          limit,
          acknowledgeSink: (id, checkpointId, state) => coordinator?.acknowledgeSink(id, checkpointId, state),
          checkpointAtEnd: coordinator ? () => coordinator.checkpointAtEnd(node.id) : undefined,
          metrics: metrics.forOperator(node.id),
          clock,
        }),
      );
    }

    const failed = new Promise<never>((_, reject) => {
      this.#failJob = (error) => {
        this.#fatal ??= error;
        reject(error);
      };
    });
    failed.catch(() => {});
    const removeSignalHandlers = this.#handleSignals();
    const releaseProcess = keepProcessAlive();
    try {
      for (const stage of this.#sinks) {
        await stage.sink.open?.({
          ...this.#connectorServices(stage.node.id),
          clock,
          signal: this.#abort.signal,
          restoredState: restored?.sinks.get(stage.node.id),
          restoredCheckpointId: restored?.manifest.checkpointId,
        });
      }
      const runs = this.#sinks.map((stage) => stage.run(elementsOf(stage.node)));
      this.#schedulePeriodicCheckpoints();
      release();
      await Promise.race([Promise.all(runs), failed]);
      if (this.#fatal) throw this.#fatal;
      return {
        outcome: this.#stopped ? "stopped" : "finished",
        restoredFrom: restored?.manifest.checkpointId,
      };
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      this.#fatal ??= reason;
      this.services.logger.error(
        `job "${this.job.name}" failed: ${reason.message}`,
        reason instanceof OperatorError ? { operator: reason.operator } : undefined,
      );
      throw reason;
    } finally {
      removeSignalHandlers();
      releaseProcess();
      this.#cancelTimer?.();
      this.#abort.abort();
      for (const stage of this.#sinks) stage.stop();
      coordinator?.abort(
        this.#fatal ?? new Error(`job "${this.job.name}" ended before the checkpoint completed`),
      );
      release();
      await Promise.all([...this.#drivers.values()].map((driver) => driver.closed()));
      for (const stage of this.#sinks) await stage.sink.close?.();
    }
  }

  /** What every source and sink of node `id` is lent: its metrics, a bound logger, dead letters. */
  #connectorServices(id: string) {
    const metrics = this.services.metrics.forOperator(id);
    const logger = this.services.logger.child?.({ connector: id }) ?? this.services.logger;
    return { metrics, logger, deadLetters: loggingDeadLetters(logger, metrics) };
  }

  savepoint(name?: string): Promise<CheckpointManifest> {
    if (!this.#coordinator) {
      return Promise.reject(
        new PipelineDefinitionError(
          `job "${this.job.name}" has no checkpoint store: configure checkpoints to take savepoints`,
        ),
      );
    }
    return this.#coordinator.trigger("savepoint", name ?? `savepoint-${this.services.clock.now()}`)!;
  }

  async stop(withSavepoint: boolean): Promise<void> {
    if (withSavepoint && this.#coordinator) await this.savepoint();
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#abort.abort();
    // No barrier is injected any more, so a pending checkpoint cannot complete; sinks waiting at
    // their end for one must not hold the stop.
    this.#coordinator?.abort(new CheckpointFailedError(`job "${this.job.name}" was stopped`));
  }

  #schedulePeriodicCheckpoints(): void {
    const every = this.services.options.checkpoints?.every;
    const coordinator = this.#coordinator;
    if (!coordinator || every === undefined) return;
    const { clock } = this.services;
    const tick = () => {
      coordinator.trigger("checkpoint");
      this.#cancelTimer = clock.schedule(clock.now() + every, tick);
    };
    this.#cancelTimer = clock.schedule(clock.now() + every, tick);
  }

  #handleSignals(): () => void {
    const enabled = this.services.options.stopOnSignals ?? this.services.options.checkpoints !== undefined;
    if (!enabled) return () => {};
    const onSignal = (signal: NodeJS.Signals) => {
      this.services.logger.info(
        `job "${this.job.name}" received ${signal}: taking a final savepoint and stopping`,
      );
      this.stop(true).catch((error: unknown) => {
        this.services.logger.error(`final savepoint failed: ${String(error)}`);
        void this.stop(false);
      });
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    return () => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    };
  }
}

/**
 * Holds the process open while a job runs. The clock's timers are unref'd so that a finished job
 * never keeps a process alive; but while a job waits only on them (a paced source between two
 * records, a checkpoint timer), Node would otherwise see nothing to wait for and exit mid-run.
 */
function keepProcessAlive(): () => void {
  const handle = setInterval(() => {}, 2 ** 31 - 1);
  return () => clearInterval(handle);
}
