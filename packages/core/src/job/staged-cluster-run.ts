import type { CheckpointManifest } from "../checkpoint/checkpoint-store.ts";
import { isFinished } from "../cluster/lease.ts";
import { LEASE_DEFAULTS } from "../cluster/lease-defaults.ts";
import { RecordNumbering } from "../repartition/record-numbering.ts";
import { planStages, type RepartitionCut } from "../repartition/stage-plan.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { SplittableSource } from "../runtime/source.ts";
import type { Cancel } from "../time/clock.ts";
import { ClusterRun, type ClusterRunSettings } from "./cluster-run.ts";
import type { JobResult } from "./job-run.ts";
import { stopOnProcessSignals } from "./process-signals.ts";

/**
 * One worker of a job whose graph is cut by a repartition (see `docs/repartition.md`): each stage
 * runs as its own {@link ClusterRun} in this process — stage 0 over the source's splits under the
 * job's lease table, stage 1 over the repartition stream's shards under `stageLeases(1)` and the
 * name `<job>/stage-1` — each with its own leases, fenced checkpoints, restarts and dead-letter
 * sink (stage 1's from `stageDeadLetters(1)`). Barriers do
 * not cross the shuffle; what makes it exactly-once is the record ids and the readers' dedupe.
 *
 * Stage 1's reader holds event time for the upstream splits not finished yet, read from stage 0's
 * lease table at every poll.
 */
export class StagedClusterRun {
  readonly #settings: ClusterRunSettings;
  readonly #cut: RepartitionCut;
  readonly #runs: ClusterRun[] = [];
  #upstreamSplits: readonly string[] = [];
  #stopped = false;

  constructor(settings: ClusterRunSettings, cut: RepartitionCut) {
    this.#settings = settings;
    this.#cut = cut;
  }

  async run(): Promise<JobResult> {
    const { name, cluster, options, logger, serde, graph, keyGroups } = this.#settings;
    const repartition = cluster.repartition;
    if (!repartition) {
      throw new PipelineDefinitionError(
        `job "${name}" runs on several workers, but keyed operator "${this.#cut.operator.id}" is not co-partitioned with source "${this.#cut.source.id}": give the cluster a repartition channel (cluster.repartition, e.g. kinesisRepartition), or key it by the source's partitionKey itself`,
      );
    }
    if (options.deadLetters && !repartition.stageDeadLetters) {
      throw new PipelineDefinitionError(
        `job "${name}" has a dead-letter sink and repartitions before "${this.#cut.operator.id}": each stage needs a dead-letter sink of its own (cluster.repartition.stageDeadLetters), as one sink opened by both stages of a worker would be two writers on it`,
      );
    }
    const abort = new AbortController();
    const plan = planStages({
      job: name,
      graph,
      cut: this.#cut,
      channel: repartition.channel,
      serde,
      keyGroups,
      numbering: new RecordNumbering(),
      upstreamSplits: () => this.#upstreamSplits,
    });
    await repartition.channel.prepare(plan.stream, abort.signal);
    const source = this.#cut.source.source as SplittableSource<unknown>;
    this.#upstreamSplits = (await source.listSplits({ keyGroups, signal: abort.signal })).map((s) => s.id);
    await this.#refreshUpstream();
    logger.info(
      `job "${name}": repartition through ${repartition.channel.description} stream "${plan.stream}" before "${this.#cut.operator.id}"`,
    );
    for (const stage of plan.stages) {
      this.#runs.push(
        new ClusterRun({
          ...this.#settings,
          name: stage.name,
          graph: stage.graph,
          options:
            stage.index === 0
              ? { ...options, stopOnSignals: false }
              : {
                  ...options,
                  stopOnSignals: false,
                  deadLetters: repartition.stageDeadLetters?.(stage.index),
                },
          cluster: stage.index === 0 ? cluster : { ...cluster, leases: repartition.stageLeases(stage.index) },
        }),
      );
    }
    const removeSignalHandlers =
      (options.stopOnSignals ?? true)
        ? stopOnProcessSignals(name, logger, (save) => this.stop(save))
        : () => {};
    const cancelRefresh = this.#refreshEveryPoll();
    try {
      const results = await Promise.all(
        this.#runs.map((run) =>
          run.run().catch(async (error: unknown) => {
            await this.stop();
            throw error;
          }),
        ),
      );
      return {
        outcome: results.every((r) => r.outcome === "finished") ? "finished" : "stopped",
        restoredFrom: undefined,
      };
    } finally {
      cancelRefresh();
      abort.abort();
      removeSignalHandlers();
    }
  }

  /** Stops every stage of this worker. */
  async stop(withSavepoint = false): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#runs.map((run) => run.stop(withSavepoint)));
  }

  savepoint(): Promise<CheckpointManifest> {
    return Promise.reject(
      new PipelineDefinitionError(
        `job "${this.#settings.name}": savepoints of a job with a repartition are not supported yet`,
      ),
    );
  }

  async #refreshUpstream(): Promise<void> {
    const { leases } = await this.#settings.cluster.leases.snapshot();
    if (leases.length === 0) return;
    this.#upstreamSplits = leases.filter((lease) => !isFinished(lease)).map((lease) => lease.leaseKey);
  }

  #refreshEveryPoll(): Cancel {
    const { clock, cluster, logger } = this.#settings;
    const every = cluster.pollIntervalMs ?? LEASE_DEFAULTS.pollIntervalMs;
    let cancel: Cancel = () => {};
    const tick = () => {
      if (this.#stopped) return;
      this.#refreshUpstream().then(
        () => {
          if (!this.#stopped) cancel = clock.schedule(clock.now() + every, tick);
        },
        (error: unknown) => {
          logger.warn(`reading the upstream splits failed: ${String(error)}`);
          if (!this.#stopped) cancel = clock.schedule(clock.now() + every, tick);
        },
      );
    };
    cancel = clock.schedule(clock.now() + every, tick);
    return () => {
      this.#stopped = true;
      cancel();
    };
  }
}
