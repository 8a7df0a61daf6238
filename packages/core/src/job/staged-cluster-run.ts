import type { CheckpointManifest } from "../checkpoint/checkpoint-store.ts";
import { isFinished } from "../cluster/lease.ts";
import { LEASE_DEFAULTS, leaseTiming } from "../cluster/lease-defaults.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";
import { RecordNumbering } from "../repartition/record-numbering.ts";
import { planStages, type RepartitionCut } from "../repartition/stage-plan.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { SplittableSource } from "../runtime/source.ts";
import type { Cancel } from "../time/clock.ts";
import { ClusterRun, type ClusterRunSettings } from "./cluster-run.ts";
import type { JobResult } from "./job-run.ts";
import { stopOnProcessSignals } from "./process-signals.ts";
import { restoreJobSavepoint } from "./savepoint-restore.ts";

/**
 * One worker of a job whose graph is cut by repartitions (see `docs/repartition.md`): each stage
 * runs as its own {@link ClusterRun} in this process — stage 0 over the source's splits under the
 * job's lease table, writing one repartition stream per cut; stage `n` over the `n`-th stream's
 * shards under `stageLeases(n)` and the name `<job>/stage-<n>` — each with its own leases, fenced
 * checkpoints, restarts and dead-letter sink (stage `n`'s from `stageDeadLetters(n)`). Barriers
 * do not cross the shuffle; what makes it exactly-once is the record ids and the readers' dedupe.
 *
 * The later stages' readers hold event time for the upstream splits not finished yet, read from
 * stage 0's lease table at every poll; once none is left, a bounded job's later stages end.
 */
export class StagedClusterRun {
  readonly #settings: ClusterRunSettings;
  readonly #cuts: readonly RepartitionCut[];
  readonly #runs: ClusterRun[] = [];
  #upstreamSplits: readonly string[] = [];
  /** Resolves with every upstream split once each one's lease is finished. */
  readonly #upstreamFinished: Promise<readonly string[]>;
  #finishUpstream: (splits: readonly string[]) => void = () => {};
  #stopped = false;

  /** `cuts` as `findRepartitionCuts` returns them (at least one). */
  constructor(settings: ClusterRunSettings, cuts: readonly RepartitionCut[]) {
    this.#settings = settings;
    this.#cuts = cuts;
    this.#upstreamFinished = new Promise((resolve) => {
      this.#finishUpstream = resolve;
    });
  }

  async run(): Promise<JobResult> {
    const { name, cluster, options, logger, serde, graph, keyGroups } = this.#settings;
    const repartition = cluster.repartition;
    const first = this.#cuts[0]!;
    if (!repartition) {
      throw new PipelineDefinitionError(
        `job "${name}" runs on several workers, but keyed operator "${first.operator.id}" is not co-partitioned with source "${first.source.id}": give the cluster a repartition channel (cluster.repartition, e.g. kinesisRepartition), or key it by the source's partitionKey itself`,
      );
    }
    if (options.deadLetters && !repartition.stageDeadLetters) {
      throw new PipelineDefinitionError(
        `job "${name}" has a dead-letter sink and repartitions before ${this.#cuts.map((cut) => `"${cut.operator.id}"`).join(", ")}: each stage needs a dead-letter sink of its own (cluster.repartition.stageDeadLetters), as one sink opened by every stage of a worker would be several writers on it`,
      );
    }
    const abort = new AbortController();
    const numbering = new RecordNumbering();
    const plan = planStages({
      job: name,
      graph,
      cuts: this.#cuts,
      channel: repartition.channel,
      serde,
      keyGroups,
      numbering,
      upstreamSplits: () => this.#upstreamSplits,
      upstreamFinished: this.#upstreamFinished,
    });
    // One table per stage, opened once: each stage's run and the restore below share it.
    const tables = plan.stages.map((stage) =>
      stage.index === 0 ? cluster.leases : repartition.stageLeases(stage.index),
    );
    await this.#restoreSavepoint(plan.stages, tables);
    for (const stream of plan.streams) await repartition.channel.prepare(stream, abort.signal);
    const source = first.source.source as SplittableSource<unknown>;
    this.#upstreamSplits = (await source.listSplits({ keyGroups, signal: abort.signal })).map((s) => s.id);
    await this.#refreshUpstream();
    for (const [i, cut] of this.#cuts.entries()) {
      logger.info(
        `job "${name}": repartition through ${repartition.channel.description} stream "${plan.streams[i]}" before "${cut.operator.id}" (stage ${i + 1})`,
      );
    }
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
          cluster: { ...cluster, leases: tables[stage.index]! },
          // Stage 0's writers mark their markers with the run of each split they read.
          beforeRun: stage.index === 0 ? (leases) => numbering.leased(leases) : undefined,
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

  /**
   * Refused: one worker's savepoint of a job with a repartition would be one manifest per stage,
   * and its splits only. A savepoint of the whole job is taken on every stage's lease table.
   */
  savepoint(): Promise<CheckpointManifest> {
    return Promise.reject(
      new PipelineDefinitionError(
        `job "${this.#settings.name}" repartitions, so one worker cannot take its savepoint: take a savepoint of the whole job on every stage's lease table (eddy savepoint ${this.#settings.name} --store redis://…, or takeStagedJobSavepoint) and start it again with startFrom: { savepoint }`,
      ),
    );
  }

  /**
   * With `startFrom: { savepoint }`, resets every stage's table from its part of the savepoint of
   * the whole job, stage 0 first, before anything reads them (each stage's run then finds it done).
   * Stage 0's table must be reset before the later stages' readers look at it: the table of a run
   * that went on to its end holds every upstream split finished, and a later stage that saw that
   * would end before the restored upstream has written the rest.
   */
  async #restoreSavepoint(stages: readonly { readonly name: string }[], tables: readonly LeaseStore[]) {
    const { options, cluster, clock, logger } = this.#settings;
    const { startFrom } = options;
    if (typeof startFrom !== "object") return;
    const name = startFrom.savepoint;
    if (await tables[0]!.readJobSavepoint?.(name)) {
      for (const [index, table] of tables.entries()) {
        if (await table.readJobSavepoint?.(name)) continue;
        throw new PipelineDefinitionError(
          `job "${this.#settings.name}" cannot start from savepoint "${name}": stage ${index} (lease table ${table.description}) has no savepoint of that name — a savepoint of a job with a repartition is taken on every stage's table (eddy savepoint ${this.#settings.name} --store redis://…, or takeStagedJobSavepoint), and a stage added since has none`,
        );
      }
    }
    const timing = leaseTiming(cluster);
    for (const [index, table] of tables.entries()) {
      await restoreJobSavepoint({
        job: stages[index]!.name,
        name,
        leases: table,
        clock,
        logger,
        failoverTimeMs: timing.failoverTimeMs,
        pollIntervalMs: timing.pollIntervalMs,
      });
    }
  }

  async #refreshUpstream(): Promise<void> {
    const { leases } = await this.#settings.cluster.leases.snapshot();
    if (leases.length === 0) return;
    this.#upstreamSplits = leases.filter((lease) => !isFinished(lease)).map((lease) => lease.leaseKey);
    if (this.#upstreamSplits.length === 0) this.#finishUpstream(leases.map((lease) => lease.leaseKey));
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
