import { checkpointPolicy } from "../checkpoint/checkpoint-options.ts";
import type { CheckpointManifest, CheckpointStore } from "../checkpoint/checkpoint-store.ts";
import { DataStream } from "../dsl/data-stream.ts";
import { consoleLogger, type Logger } from "../logging/logger.ts";
import { RecordNumbering } from "../repartition/record-numbering.ts";
import { findRepartitionCuts, planStages } from "../repartition/stage-plan.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import { type JobDescription, JobGraph, type StageDescription } from "../runtime/graph.ts";
import { JobMetrics } from "../runtime/metrics.ts";
import type { Sink } from "../runtime/sink.ts";
import type { Source } from "../runtime/source.ts";
import { DEFAULT_KEY_GROUPS } from "../state/key-group.ts";
import { type Serde, v8Serde } from "../state/serde.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { ClusterRun } from "./cluster-run.ts";
import { restoreJob } from "./job-restore.ts";
import { type JobResult, JobRun, type JobSettings } from "./job-run.ts";
import type { PipelineOptions } from "./pipeline-options.ts";
import { StagedClusterRun } from "./staged-cluster-run.ts";

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
  #running: JobRun | ClusterRun | StagedClusterRun | undefined;

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
    if (options.checkpoints) {
      try {
        checkpointPolicy(options.checkpoints, `pipeline "${name}"`);
      } catch (error) {
        throw new PipelineDefinitionError((error as Error).message, { cause: error });
      }
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
    const description = this.#graph.describe();
    const repartition = this.options.cluster?.repartition;
    if (!repartition) return description;
    let stages: StageDescription[] | undefined;
    try {
      const cuts = findRepartitionCuts(this.name, this.#graph);
      if (cuts.length === 0) return description;
      const plan = planStages({
        job: this.name,
        graph: this.#graph,
        cuts,
        channel: repartition.channel,
        serde: this.#serde,
        keyGroups: this.#keyGroups,
        numbering: new RecordNumbering(),
        upstreamSplits: () => [],
      });
      stages = plan.stages.map(({ index, name, graph, streams }) => {
        const { nodes, edges } = graph.describe();
        return { stage: index, name, streams, nodes, edges };
      });
    } catch {
      // A job that cannot be cut is refused when it runs, with the reason; described, it is its graph.
      return description;
    }
    return { ...description, stages };
  }

  /**
   * The job's sources, sinks and checkpoint store, for tools that derive what it needs from them
   * (`iamPolicy(job)`); the job is not run.
   */
  connectors(): {
    /** Every source, in the order the pipeline added them. */
    readonly sources: readonly Source<unknown>[];
    /** Every sink, in the order the pipeline added them. */
    readonly sinks: readonly Sink<unknown>[];
    /** The store of `options.checkpoints`, if the job checkpoints. */
    readonly checkpointStore: CheckpointStore | undefined;
  } {
    const sources = this.#graph.nodes.flatMap((node) => (node.kind === "source" ? [node.source] : []));
    const sinks = this.#graph.sinks.map((node) => node.sink);
    return { sources, sinks, checkpointStore: this.options.checkpoints?.store };
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
   * (an {@link OperatorError} names the operator). With `options.cluster`, runs as one worker of
   * several: it reads the splits whose leases it holds, and is finished once every split is.
   */
  async run(): Promise<JobResult> {
    if (this.#running) throw new PipelineDefinitionError(`job "${this.name}" is already running`);
    if (this.#graph.sinks.length === 0) {
      throw new PipelineDefinitionError(`job "${this.name}" has no sink: add one with stream.sink(...)`);
    }
    const { cluster } = this.options;
    if (cluster) {
      // Without a repartition channel, the cluster run refuses what is not co-partitioned.
      const cuts = cluster.repartition ? findRepartitionCuts(this.name, this.#graph) : [];
      if (cuts.length > 0) return this.#track(new StagedClusterRun({ ...this.#settings(), cluster }, cuts));
      return this.#track(new ClusterRun({ ...this.#settings(), cluster }));
    }
    const store = this.options.checkpoints?.store;
    const restored = store
      ? await restoreJob({
          job: this.name,
          store,
          startFrom: this.options.startFrom ?? "latest",
          keyGroups: this.#keyGroups,
          serde: this.#serde,
          logger: this.#logger,
          operatorIds: new Set(this.#graph.nodes.map((node) => node.id)),
          allowNonRestoredState: this.options.allowNonRestoredState ?? false,
        })
      : undefined;
    const stored = store ? await store.checkpoints(this.name) : [];
    const running = new JobRun({
      ...this.#settings(),
      restored,
      highestStoredId: Math.max(0, ...stored.map((m) => m.checkpointId)),
    });
    return this.#track(running);
  }

  #settings(): JobSettings {
    return {
      name: this.name,
      graph: this.#graph,
      clock: this.#clock,
      keyGroups: this.#keyGroups,
      serde: this.#serde,
      logger: this.#logger,
      metrics: this.metrics,
      options: this.options,
    };
  }

  async #track(running: JobRun | ClusterRun | StagedClusterRun): Promise<JobResult> {
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

  /**
   * Stops a running job without draining windows. With `savepoint: true` it stops exactly at a
   * savepoint (Flink's stop-with-savepoint): the sources stop reading, the savepoint covers every
   * record read, and nothing is processed after it, so a restart from it writes nothing twice.
   * On several workers the worker leaves the job at a published checkpoint instead.
   */
  async stop(options: { savepoint?: boolean } = {}): Promise<void> {
    await this.#running?.stop(options.savepoint ?? false);
  }
}
