import type { CheckpointManifest } from "../checkpoint/checkpoint-store.ts";
import { isFinished, type Lease, SHARD_END } from "../cluster/lease.ts";
import { LeaseCoordinator } from "../cluster/lease-coordinator.ts";
import { LEASE_DEFAULTS, leaseTiming } from "../cluster/lease-defaults.ts";
import type { LeaseEvent } from "../cluster/lease-events.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { Sink } from "../runtime/sink.ts";
import type { SourceSplit, SplittableSource } from "../runtime/source.ts";
import type { Cancel } from "../time/clock.ts";
import { keepProcessAlive } from "../time/keep-alive.ts";
import type { ClusterOptions } from "./cluster-options.ts";
import { checkClusterSinks, clusteredSource } from "./co-partitioning.ts";
import { DEAD_LETTER_SINK_ID } from "./dead-letter-channel.ts";
import { FencedCheckpoints } from "./fenced-checkpoints.ts";
import { type JobResult, JobRun, type JobSettings } from "./job-run.ts";
import { leaseChange, stopAtPublishedCheckpoint } from "./planned-restart.ts";
import { stopOnProcessSignals } from "./process-signals.ts";
import { readSinkCommittables } from "./published-committables.ts";
import { restorePublished } from "./published-restore.ts";
import { checkpointToPosition, positionToCheckpoint } from "./published-state.ts";
import { SavepointParticipation } from "./savepoint-participation.ts";
import { restoreJobSavepoint } from "./savepoint-restore.ts";

/** What one worker of a job is built from. */
export interface ClusterRunSettings extends JobSettings {
  readonly cluster: ClusterOptions;
  /**
   * Called with the leases each pipeline run reads, as held when it starts, before it starts: a
   * repartition's writer marks its markers with their counters (see `WriterRun`).
   */
  readonly beforeRun?: ((leases: readonly Lease[]) => void) | undefined;
}

/** The pipeline running over the splits this worker holds, until they change. */
interface SplitRun {
  readonly run: JobRun;
  readonly leases: readonly Lease[];
  readonly checkpoints: FencedCheckpoints;
  readonly ended: Promise<void>;
  /** Set once `run` has settled. */
  outcome: { readonly result: JobResult } | { readonly error: Error } | undefined;
}

/**
 * One worker of a job run on several workers. It registers a lease per split of the source, runs
 * a {@link LeaseCoordinator}, and runs the job's pipeline over exactly the splits whose leases it
 * holds, restored from what was last published for them (positions and key-group state).
 *
 * Whenever that set changes, the pipeline is stopped and started again over the new set:
 * operators hold the state of every key group they saw, and only a fresh start restores exactly
 * the key groups of the leases held now (a lease lost or handed off leaves no timers behind that
 * would fire its windows a second time). A planned change — a lease acquired, a handoff, a split
 * read to its end, a graceful stop — first stops the pipeline exactly at a checkpoint, published
 * like any other, so the next run (this worker's, or the new owner's after the lease is released)
 * continues exactly there and nothing is written twice. A lost lease or a refused publish stops
 * the pipeline at once: the worker held a lease it no longer holds (a zombie), and the splits it
 * keeps replay from their last published checkpoint. A split read to its end is released as
 * finished once a published checkpoint covers its end, after the leases of any splits that
 * appeared since (a resharded stream's children) are created; the job is finished once every
 * lease is.
 */
export class ClusterRun {
  readonly #settings: ClusterRunSettings;
  readonly #coordinator: LeaseCoordinator;
  readonly #abort = new AbortController();
  readonly #handoffs = new Set<string>();
  /** Splits of the running pipeline read to their end, with that end published: to release as finished. */
  readonly #ends = new Set<string>();
  /**
   * Splits read to their end that no listed split continues (no children): released only with the
   * run's own end, when the end of input has fired their key groups' last windows.
   */
  readonly #endsWithoutChildren = new Set<string>();
  #source: SplittableSource<unknown> | undefined;
  #current: SplitRun | undefined;
  #changed = true;
  /** A lease was acquired since the last reconciliation: others of the same poll may follow. */
  #taking = false;
  #wake: (() => void) | undefined;
  #stopRequested = false;
  /** A graceful stop: stop at a published checkpoint, then release every lease. */
  #leaving = false;
  /** Settles once `run()` has stopped the pipeline and the coordinator. */
  #done: Promise<unknown> | undefined;
  #failure: Error | undefined;
  #highestId = 0;
  readonly #savepoints: SavepointParticipation;

  constructor(settings: ClusterRunSettings) {
    this.#settings = settings;
    const { leases, workerId, ...timing } = settings.cluster;
    this.#coordinator = new LeaseCoordinator({
      ...timing,
      store: leases,
      workerId,
      clock: settings.clock,
      logger: settings.logger,
    });
    this.#savepoints = new SavepointParticipation({
      clock: settings.clock,
      logger: settings.logger,
      workerId,
      timeoutMs: leaseTiming(timing).savepointTimeoutMs,
    });
  }

  run(): Promise<JobResult> {
    const running = this.#run();
    this.#done = running.catch(() => undefined);
    return running;
  }

  async #run(): Promise<JobResult> {
    const { name, graph, options, logger } = this.#settings;
    const { node, source } = clusteredSource(name, graph);
    checkClusterSinks(
      name,
      [...graph.sinks, ...deadLetterSink(options.deadLetters)],
      this.#settings.cluster.leases,
    );
    if (!options.checkpoints) {
      throw new PipelineDefinitionError(
        `job "${name}" runs on several workers, which needs checkpoints: set checkpoints: { every, store }`,
      );
    }
    this.#source = source;
    const { startFrom } = options;
    if (typeof startFrom === "object") {
      const timing = leaseTiming(this.#settings.cluster);
      await restoreJobSavepoint({
        job: name,
        name: startFrom.savepoint,
        leases: this.#settings.cluster.leases,
        clock: this.#settings.clock,
        logger,
        failoverTimeMs: timing.failoverTimeMs,
        pollIntervalMs: timing.pollIntervalMs,
      });
    }
    await this.#registerLeases(source);
    const subscription = this.#coordinator.events.subscribe((event) => this.#onLeaseEvent(event));
    const removeSignalHandlers =
      (options.stopOnSignals ?? true)
        ? stopOnProcessSignals(name, logger, (withSavepoint) => this.stop(withSavepoint))
        : () => {};
    const releaseProcess = keepProcessAlive();
    let finished = false;
    let failed = true;
    try {
      await this.#coordinator.start();
      logger.info(
        `job "${name}": worker "${this.#coordinator.workerId}" joined (incarnation ${this.#coordinator.incarnation})`,
      );
      for (;;) {
        if (this.#failure) throw this.#failure;
        if (this.#stopRequested || this.#savepoints.stopsWorker) break;
        if (this.#current?.outcome) await this.#ended(this.#current);
        else if (this.#changed || this.#noticeEnds(node.id) || this.#savepoints.resumeDue())
          await this.#reconcile(node.id);
        else if (!this.#current && (await this.#everyLeaseFinished())) {
          finished = true;
          break;
        } else await this.#nextChange();
      }
      failed = false;
    } finally {
      this.#abort.abort();
      const current = this.#current;
      if (this.#leaving && !failed && current && !current.outcome) {
        await stopAtPublishedCheckpoint(current.run, this.#restartContext("leaving the job"));
      }
      await this.#stopCurrent();
      // Leaving hands every lease over: the others take them at their next poll, without waiting
      // for the failover time, and continue from the checkpoint just published. A job stopped by
      // a savepoint of the whole job leaves too: a restore from it need not wait.
      await this.#coordinator.stop({
        leave: finished || this.#savepoints.stopsWorker || (this.#leaving && !failed),
      });
      subscription.unsubscribe();
      removeSignalHandlers();
      releaseProcess();
    }
    return { outcome: finished ? "finished" : "stopped", restoredFrom: undefined };
  }

  /**
   * Stops the worker; resolves once it has stopped. With `withSavepoint` (SIGTERM, SIGINT,
   * `job.stop({ savepoint: true })`) it leaves the job gracefully: its pipeline stops exactly at a
   * published checkpoint and its leases are released, so the other workers take them over at once
   * and continue exactly there (nothing is written twice). Without it the pipeline stops at once
   * and the leases stay recorded under the worker's id for a restarted process to take back (or
   * expire after the failover time): the splits replay from their last published checkpoint.
   */
  async stop(withSavepoint = false): Promise<void> {
    if (withSavepoint) this.#leaving = true;
    this.#stopRequested = true;
    this.#wake?.();
    await this.#done;
  }

  /** A savepoint of this worker's pipeline (its splits and key groups only). */
  savepoint(name?: string): Promise<CheckpointManifest> {
    const current = this.#current;
    if (!current || current.outcome) {
      return Promise.reject(
        new PipelineDefinitionError(`job "${this.#settings.name}": this worker reads no split at the moment`),
      );
    }
    return current.run.savepoint(name);
  }

  /** Creates a lease per split (a no-op for those another worker created first). */
  async #registerLeases(source: SplittableSource<unknown>): Promise<readonly SourceSplit[]> {
    const { keyGroups, cluster } = this.#settings;
    const splits = await source.listSplits({ keyGroups, signal: this.#abort.signal });
    for (const split of splits) {
      const created = await cluster.leases.createLease({
        leaseKey: split.id,
        parentShardIds: split.parents,
        keyGroups: split.keyGroups,
      });
      if (!created.ok && created.code !== "exists") {
        throw new Error(`lease of split "${split.id}" could not be created: ${created.message}`);
      }
    }
    return splits;
  }

  /**
   * Lists the splits (children first: once a parent is finished, a lease table without its
   * children's leases would look finished, and a listing made now shows every child of a closed
   * split) and keeps in `#ends` only the ended splits that children continue: their key groups'
   * state goes on there. An ended split without children keeps the worker's watermark where it
   * stopped, so its key groups' last windows have not fired: released now, they never would. It
   * stays held until the run ends (every split read), whose end of input fires them.
   */
  async #keepEndsWithChildren(): Promise<void> {
    const parents = new Set(
      (await this.#registerLeases(this.#source!)).flatMap((split) => split.parents ?? []),
    );
    for (const leaseKey of [...this.#ends]) {
      if (parents.has(leaseKey)) continue;
      this.#ends.delete(leaseKey);
      this.#endsWithoutChildren.add(leaseKey);
    }
  }

  #onLeaseEvent(event: LeaseEvent): void {
    if (event.type === "lost") {
      this.#settings.logger.warn(
        `"${this.#coordinator.workerId}" lost ${event.lease.leaseKey} and stops reading it: ${event.reason}`,
      );
    }
    if (event.type === "acquired") this.#taking = true;
    if (event.type === "handoffRequested") this.#handoffs.add(event.lease.leaseKey);
    else if (event.type === "savepoint") this.#savepoints.observe(event.request);
    else if (event.type === "superseded") {
      this.#failure ??= new Error(
        `worker "${this.#coordinator.workerId}" stops: a newer process with its id started (${event.reason})`,
      );
    } else if (event.type !== "acquired" && event.type !== "lost") return;
    this.#changed = true;
    this.#wake?.();
  }

  /**
   * Brings the pipeline in line with the leases held: unchanged, nothing; otherwise stop it (at a
   * published checkpoint when the change was planned), release what was handed off or read to its
   * end, and start over the leases held now.
   */
  async #reconcile(sourceId: string): Promise<void> {
    if (this.#taking) {
      this.#taking = false;
      await this.#takesSettled();
    }
    this.#changed = false;
    if (this.#ends.size > 0) await this.#keepEndsWithChildren();
    const held = this.#heldLeases();
    const current = this.#current;
    if (current) {
      const change = leaseChange({
        reading: current.leases,
        held,
        handoffs: this.#handoffs,
        ends: this.#ends,
      });
      if (change === undefined) {
        await this.#takePart(current);
        return;
      }
      if (change.planned) await stopAtPublishedCheckpoint(current.run, this.#restartContext(change.reason));
      await this.#stopCurrent();
    }
    for (const leaseKey of [...this.#handoffs]) {
      this.#handoffs.delete(leaseKey);
      await this.#coordinator.release(leaseKey);
    }
    if (this.#ends.size > 0) {
      for (const leaseKey of [...this.#ends]) {
        this.#ends.delete(leaseKey);
        if (await this.#coordinator.release(leaseKey, { checkpoint: SHARD_END })) {
          this.#settings.logger.info(
            `"${this.#coordinator.workerId}" read ${leaseKey} to its end (SHARD_END)`,
          );
        }
      }
    }
    const leases = this.#heldLeases();
    if (this.#stopRequested || this.#savepoints.stopsWorker) return;
    if (leases.length === 0 || this.#savepoints.paused(leases.map((lease) => lease.leaseKey))) return;
    await this.#start(sourceId, leases);
    await this.#takePart(this.#current!);
  }

  /** A savepoint of the whole job is pending: savepoint the run for it, then pause (stop the run). */
  async #takePart(current: SplitRun): Promise<void> {
    const tookPart = await this.#savepoints.takePart({
      leaseKeys: current.leases.map((lease) => lease.leaseKey),
      savepoint: async (name, id) => {
        current.checkpoints.tagSavepoint(name, id);
        await current.run.savepoint(name);
      },
    });
    if (tookPart && this.#current === current) await this.#stopCurrent();
  }

  #restartContext(reason: string) {
    return { workerId: this.#coordinator.workerId, reason, logger: this.#settings.logger };
  }

  async #start(sourceId: string, leases: readonly Lease[]): Promise<void> {
    const { name, graph, clock, keyGroups, serde, logger, metrics, options, cluster } = this.#settings;
    const store = options.checkpoints!.store;
    const { workerId, incarnation } = this.#coordinator;
    const stream = `${name}@${workerId}#${incarnation}`;
    const committables = await readSinkCommittables({
      leases: cluster.leases,
      workerId,
      checkpoints: store,
      serde,
    });
    const restored = await restorePublished({
      job: stream,
      keyGroups,
      serde,
      sourceId,
      leases,
      leaseStore: cluster.leases,
      checkpoints: store,
      checkpointId: this.#highestId,
      sinks: committables.own,
    });
    this.#settings.beforeRun?.(leases);
    let current: SplitRun | undefined;
    const checkpoints = new FencedCheckpoints({
      store,
      coordinator: this.#coordinator,
      sourceId,
      leases,
      onRefused: (error) => this.#refused(current, error),
      job: name,
      keyGroups,
      leaseStore: cluster.leases,
      logger,
    });
    const run = new JobRun({
      name: stream,
      graph,
      restored,
      highestStoredId: this.#highestId,
      clock,
      keyGroups,
      serde,
      logger,
      metrics,
      options: {
        ...options,
        stopOnSignals: false,
        checkpoints: { ...options.checkpoints!, store: checkpoints },
      },
      assignedSplits: new Set(leases.map((lease) => lease.leaseKey)),
      ownedKeyGroups: new Set(leases.flatMap((lease) => lease.keyGroups)),
      writer: { workerId, incarnation, othersPending: committables.others },
    });
    const ended = run.run().then(
      (result) => {
        current!.outcome = { result };
      },
      (error: unknown) => {
        current!.outcome = { error: error instanceof Error ? error : new Error(String(error)) };
      },
    );
    current = { run, leases, checkpoints, ended: ended.finally(() => this.#wake?.()), outcome: undefined };
    this.#current = current;
    logger.info(
      `"${this.#coordinator.workerId}" reads ${leases.map((l) => l.leaseKey).join(", ")}${restored ? " from their published checkpoint" : " from the start"}`,
    );
  }

  /** The pipeline ended by itself: finished splits are released as such; a failure fails the worker. */
  async #ended(current: SplitRun): Promise<void> {
    await this.#stopCurrent();
    const outcome = current.outcome!;
    if ("error" in outcome) {
      this.#failure ??= outcome.error;
      return;
    }
    if (outcome.result.outcome === "finished") {
      for (const { leaseKey } of current.leases)
        await this.#coordinator.release(leaseKey, { checkpoint: SHARD_END });
    }
    this.#changed = true;
  }

  /** A checkpoint of `run` was refused: stop reading its splits now; the leases held decide what is next. */
  #refused(run: SplitRun | undefined, error: Error): void {
    if (!run || run !== this.#current) return;
    this.#settings.logger.error(`"${this.#coordinator.workerId}" stops its pipeline: ${error.message}`);
    run.checkpoints.retire();
    void run.run.stop(false);
    this.#changed = true;
    this.#wake?.();
  }

  async #stopCurrent(): Promise<void> {
    const current = this.#current;
    if (!current) return;
    current.checkpoints.retire();
    await current.run.stop(false);
    await current.ended;
    await current.checkpoints.idle();
    this.#highestId = Math.max(this.#highestId, current.checkpoints.highestId);
    this.#current = undefined;
  }

  /**
   * Whether a split of the running pipeline was read to its end (its status is `finished`) and a
   * published checkpoint holds the position it ended at: then its lease can be released as
   * finished without losing a record's state. Noted in `#ends`.
   */
  #noticeEnds(sourceId: string): boolean {
    const current = this.#current;
    if (!current || current.outcome) return false;
    // A bounded source's splits have no children to let start, and the windows of a finished
    // split's key groups fire only with the final watermark at the end of the pipeline's input:
    // released now, the pipeline would stop before that and those windows would be lost. Its
    // splits are released as finished when the pipeline ends by itself.
    if (this.#source?.bounded) return false;
    const ended = new Map<string, string>();
    for (const split of this.#settings.metrics.splits(sourceId)) {
      if (split.status === "finished") ended.set(split.split, positionToCheckpoint(split.position));
    }
    if (ended.size === 0) return false;
    const reading = new Set(current.leases.map((lease) => lease.leaseKey));
    for (const { lease } of this.#coordinator.held()) {
      const end = ended.get(lease.leaseKey);
      const waitsForRunEnd = this.#endsWithoutChildren.has(lease.leaseKey);
      const published =
        lease.checkpoint === undefined || lease.checkpoint === SHARD_END
          ? undefined
          : positionToCheckpoint(checkpointToPosition(lease.leaseKey, lease.checkpoint).position);
      if (end !== undefined && reading.has(lease.leaseKey) && end === published && !waitsForRunEnd) {
        this.#ends.add(lease.leaseKey);
      }
    }
    return this.#ends.size > 0;
  }

  #heldLeases(): Lease[] {
    return this.#coordinator
      .held()
      .map(({ lease }) => lease)
      .filter((lease) => !isFinished(lease))
      .sort((a, b) => (a.leaseKey < b.leaseKey ? -1 : 1));
  }

  async #everyLeaseFinished(): Promise<boolean> {
    const { leases } = await this.#settings.cluster.leases.snapshot();
    return leases.length > 0 && leases.every(isFinished);
  }

  /**
   * Waits until the coordinator has taken every lease its current poll takes (at most a poll
   * interval): the leader assigns a worker its leases together, and each take is its own
   * `acquired`, so the pipeline starts once over all of them rather than once per take.
   */
  async #takesSettled(): Promise<void> {
    const { clock, cluster } = this.#settings;
    let cancel: Cancel = () => {};
    const bound = new Promise<void>((resolve) => {
      cancel = clock.schedule(
        clock.now() + (cluster.pollIntervalMs ?? LEASE_DEFAULTS.pollIntervalMs),
        resolve,
      );
    });
    await Promise.race([this.#coordinator.whenIdle(), bound]);
    cancel();
  }

  /** Waits for a lease event, the pipeline's end, or a poll interval. */
  #nextChange(): Promise<void> {
    const { clock, cluster } = this.#settings;
    return new Promise((resolve) => {
      if (this.#changed || this.#current?.outcome || this.#stopRequested) {
        resolve();
        return;
      }
      let cancel: Cancel = () => {};
      const wake = () => {
        if (this.#wake === wake) this.#wake = undefined;
        cancel();
        resolve();
      };
      this.#wake = wake;
      cancel = clock.schedule(clock.now() + (cluster.pollIntervalMs ?? LEASE_DEFAULTS.pollIntervalMs), wake);
    });
  }
}

/** The job's dead-letter sink as a sink node, if it has one (it commits like any other). */
function deadLetterSink(sink: Sink<unknown> | undefined): { id: string; sink: Sink<unknown> }[] {
  return sink ? [{ id: DEAD_LETTER_SINK_ID, sink }] : [];
}
