import { silentLogger } from "../../logging/logger.ts";
import type { VirtualClock } from "../../time/clock.ts";
import type { Millis } from "../../time/duration.ts";
import { holderOf, isFinished, type Lease, SHARD_END } from "../lease.ts";
import { LeaseCoordinator } from "../lease-coordinator.ts";
import { LEASE_DEFAULTS, type LeaseTimingOptions } from "../lease-defaults.ts";
import type { LeaseStore } from "../lease-store.ts";
import { advance, settle } from "./advance.ts";
import { PausableClock } from "./pausable-clock.ts";

/**
 * Something that happens to the fleet at `at`: a new worker joins; a running worker crashes (stops
 * renewing without releasing: its timers never run again), leaves gracefully (checkpoints and
 * releases its leases), or pauses for `pauseMs` (a SIGSTOP: it wakes up a zombie if others took its
 * leases meanwhile); the id of a crashed or paused worker restarts (a paused one then wakes up
 * superseded). `pick` chooses the worker among the candidates.
 */
export interface FleetEvent {
  readonly at: Millis;
  readonly kind: "join" | "crash" | "leave" | "pause" | "restart";
  readonly pick: number;
  readonly pauseMs?: Millis;
  /** Aim a crash, leave or pause at the current leader instead of a picked worker. */
  readonly atLeader?: boolean;
}

/** A simulated fleet: workers, leases and what happens to them. */
export interface FleetOptions {
  readonly store: LeaseStore;
  readonly clock: VirtualClock;
  /** When each of the workers at the start joins. */
  readonly joins: readonly Millis[];
  /** Leases in all: `splits` parents among the roots, each with two children. */
  readonly leases: number;
  readonly splits: number;
  readonly keyGroups: number;
  /** When the parents' shards end (their holders release them with SHARD_END). */
  readonly splitAt: Millis;
  readonly events: readonly FleetEvent[];
  /** How long the fleet runs after its last event, to converge. */
  readonly settleMs: Millis;
  readonly timing?: LeaseTimingOptions;
  /** The simulation step (default 250 ms). */
  readonly step?: Millis;
  /** Events that would leave fewer running workers are skipped (default 4). */
  readonly minRunning?: number;
}

/** What a fleet run measured. */
export interface FleetReport {
  /** For each lease a crashed worker held: ms from the crash until a running worker held it again. */
  readonly failovers: Millis[];
  /** For each lease a leaving worker held: ms from the leave until a running worker held it again. */
  readonly handoverGaps: Millis[];
  /** The most handoffs begun in one balancing round of one leader. */
  readonly maxMovesInRound: number;
  /** The longest an active lease went without a running holder, net of leader failovers. */
  readonly maxUnheldMs: Millis;
  /** Publishes that went through, and those refused. */
  readonly publishes: { ok: number; refused: number };
  /** Woken zombies whose first publish was (rightly) refused. */
  readonly zombiesRefused: number;
  /** Events carried out, by kind. */
  readonly events: Record<FleetEvent["kind"], number>;
  /** Leases held by each running worker at the end. */
  readonly finalCounts: number[];
}

/** An invariant of the lease subsystem broke during a fleet run. */
export class FleetViolation extends Error {
  override readonly name = "FleetViolation";
}

interface Worker {
  readonly id: string;
  readonly clock: PausableClock;
  readonly coordinator: LeaseCoordinator;
  state: "running" | "paused" | "crashed" | "left";
}

/**
 * Runs a fleet of {@link LeaseCoordinator}s on one virtual clock and one store, with a minimal
 * runtime per worker (it checkpoints every 10 s, hands leases over when asked, finishes parent
 * shards at `splitAt`), and checks at every step:
 *
 * - never two valid holders of one lease (valid: the store shows that worker holding it with the
 *   counter of its last write, so its publish would pass the fence) — among every process that
 *   ever ran, crashed and paused ones too;
 * - every active lease is held by a running worker again within the failover time plus two
 *   assignment rounds after it lost its holder (counted from the leader's loss when the leader
 *   died too, since a new leader must be elected first);
 * - at most `maxMovesPerRound` handoffs begin in one balancing round;
 * - a child lease is never acquired before its parents are finished;
 * - a woken zombie's first publish is refused exactly when another worker took one of its leases;
 *
 * and at the end that every active lease is held by a running worker and the spread of lease
 * counts is at most the balance threshold. Throws {@link FleetViolation} at the first failure.
 */
export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const { store, clock } = options;
  const timing = { ...LEASE_DEFAULTS, ...options.timing };
  const step = options.step ?? 250;
  const minRunning = options.minRunning ?? 4;
  const bound = timing.failoverTimeMs + 2 * timing.assignmentIntervalMs;
  const layout = leaseLayout(options);
  for (const lease of layout) await store.createLease(lease);
  const childrenOf = new Map<string, string[]>();
  for (const lease of layout)
    for (const parent of lease.parentShardIds ?? []) {
      childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), lease.leaseKey]);
    }

  const workers: Worker[] = [];
  const pending = new Set<Promise<unknown>>();
  const finishedAt = new Map<string, Millis>();
  const moves = new Map<string, number>();
  const failoverWatch: { leaseKey: string; since: Millis; list: Millis[] }[] = [];
  const report = {
    failovers: [] as Millis[],
    handoverGaps: [] as Millis[],
    maxMovesInRound: 0,
    maxUnheldMs: 0,
    publishes: { ok: 0, refused: 0 },
    zombiesRefused: 0,
    events: { join: 0, crash: 0, leave: 0, pause: 0, restart: 0 },
    finalCounts: [] as number[],
  };
  let leader: Worker | undefined;
  let leaderLostAt = Number.NEGATIVE_INFINITY;
  let noneRunningUntil = Number.NEGATIVE_INFINITY;
  let violation: FleetViolation | undefined;
  const fail = (message: string) => {
    violation ??= new FleetViolation(`at ${clock.now()} ms: ${message}`);
  };
  const track = (promise: Promise<unknown>) => {
    const tracked = promise.catch((error: unknown) =>
      fail(`a worker's runtime failed: ${(error as Error).stack}`),
    );
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };
  const running = () => workers.filter((w) => w.state === "running");
  const coordinators = () => workers.map((w) => w.coordinator);
  const statesOf = async (): Promise<void> => {
    await settle(coordinators());
    while (pending.size > 0) {
      await Promise.all(pending);
      await settle(coordinators());
    }
  };

  const publishHeld = async (worker: Worker, leaseKeys?: readonly string[]) => {
    const held = worker.coordinator.held().filter((h) => !leaseKeys || leaseKeys.includes(h.lease.leaseKey));
    if (held.length === 0) return undefined;
    const result = await worker.coordinator.publish({
      leases: held.map((h) => ({ leaseKey: h.lease.leaseKey, checkpoint: `${worker.id}@${clock.now()}` })),
      keyGroups: held.flatMap((h) =>
        h.lease.keyGroups.map((keyGroup) => ({ keyGroup, state: { by: worker.id } })),
      ),
    });
    if (result.ok) report.publishes.ok += 1;
    else report.publishes.refused += 1;
    return result;
  };

  const finishParent = (worker: Worker, leaseKey: string) => {
    track(
      (async () => {
        if (!(await worker.coordinator.release(leaseKey, { checkpoint: SHARD_END }))) return;
        finishedAt.set(leaseKey, clock.now());
      })(),
    );
  };

  const start = async (id: string) => {
    const workerClock = new PausableClock(clock);
    const coordinator = new LeaseCoordinator({
      store,
      workerId: id,
      clock: workerClock,
      logger: silentLogger,
      ...timing,
    });
    const worker: Worker = { id, clock: workerClock, coordinator, state: "running" };
    workers.push(worker);
    coordinator.events.subscribe((event) => {
      const now = clock.now();
      switch (event.type) {
        case "acquired": {
          for (const parent of event.lease.parentShardIds) {
            const at = finishedAt.get(parent);
            if (at === undefined || at > now)
              fail(`"${id}" acquired child ${event.lease.leaseKey} before parent ${parent} finished`);
          }
          if (childrenOf.has(event.lease.leaseKey) && now >= options.splitAt)
            finishParent(worker, event.lease.leaseKey);
          break;
        }
        case "handoffRequested": {
          // The runtime finishes the batch in hand (300 ms), publishes, then releases.
          const leaseKey = event.lease.leaseKey;
          workerClock.schedule(now + 300, () =>
            track(
              (async () => {
                const published = await publishHeld(worker, [leaseKey]);
                if (published?.ok)
                  await coordinator.release(leaseKey, { checkpoint: `${id}@${clock.now()}` });
              })(),
            ),
          );
          break;
        }
        case "superseded":
          // A newer process of this id runs: this one has stopped.
          worker.state = "crashed";
          break;
        case "leadership":
          if (event.leader) leader = worker;
          else if (leader === worker) leader = undefined;
          break;
        case "handoffStarted": {
          // Rounds are counted per process: a restarted worker's new leadership counts from 1 again.
          const key = `${id}@${coordinator.incarnation}#${event.round}`;
          const count = (moves.get(key) ?? 0) + 1;
          moves.set(key, count);
          report.maxMovesInRound = Math.max(report.maxMovesInRound, count);
          if (count > timing.maxMovesPerRound) {
            fail(
              `leader "${id}" began ${count} handoffs in round ${event.round}; at most ${timing.maxMovesPerRound} may`,
            );
          }
          break;
        }
        default:
          break;
      }
    });
    // Every 10 s the worker's pipeline checkpoints what it holds.
    const checkpointEvery = 10_000;
    const checkpoint = () => {
      if (worker.state !== "running") return;
      track(publishHeld(worker));
      workerClock.schedule(clock.now() + checkpointEvery, checkpoint);
    };
    workerClock.schedule(clock.now() + checkpointEvery, checkpoint);
    await coordinator.start();
  };

  const lostLeader = (worker: Worker) => {
    if (leader === worker) leaderLostAt = clock.now();
  };
  const watchFailover = (worker: Worker, list: Millis[]) => {
    for (const { lease } of worker.coordinator.held())
      failoverWatch.push({ leaseKey: lease.leaseKey, since: clock.now(), list });
  };

  const apply = async (event: FleetEvent) => {
    const live = running();
    const pickFrom = <T>(list: readonly T[]) => list[event.pick % list.length];
    switch (event.kind) {
      case "join":
        report.events.join += 1;
        await start(`w${workers.length}`);
        return;
      case "restart": {
        const runningIds = new Set(running().map((w) => w.id));
        const gone = workers.filter((w) => w.state === "crashed" || w.state === "paused").map((w) => w.id);
        const id = pickFrom([...new Set(gone)].filter((id) => !runningIds.has(id)));
        if (id === undefined) return;
        report.events.restart += 1;
        await start(id);
        return;
      }
      default:
        break;
    }
    const victim = event.atLeader && leader?.state === "running" ? leader : pickFrom(live);
    if (!victim || live.length <= minRunning) return;
    report.events[event.kind] += 1;
    if (event.kind === "crash") {
      watchFailover(victim, report.failovers);
      lostLeader(victim);
      victim.clock.pause();
      victim.state = "crashed";
    } else if (event.kind === "pause") {
      lostLeader(victim);
      victim.clock.pause();
      victim.state = "paused";
      sleepers.push({ worker: victim, wakeAt: clock.now() + (event.pauseMs ?? 15_000) });
    } else if (event.kind === "leave") {
      watchFailover(victim, report.handoverGaps);
      lostLeader(victim);
      victim.state = "left";
      track(
        (async () => {
          for (const { lease } of victim.coordinator.held()) {
            const published = await publishHeld(victim, [lease.leaseKey]);
            if (published?.ok)
              await victim.coordinator.release(lease.leaseKey, { checkpoint: `${victim.id}@${clock.now()}` });
          }
          await victim.coordinator.stop({ leave: true });
        })(),
      );
    }
  };

  /** A paused worker wakes up and, before any of its timers run, publishes what it believes it holds. */
  const wake = async (worker: Worker) => {
    let stillValid = true;
    for (const { lease } of worker.coordinator.held())
      stillValid &&= await fenceHolds(store, worker.id, lease);
    const result = await publishHeld(worker);
    if (result && result.ok !== stillValid) {
      fail(
        `woken "${worker.id}" published ${result.ok ? "successfully" : "in vain"} though its leases were ${stillValid ? "all" : "not all"} still its own`,
      );
    }
    if (result && !result.ok) report.zombiesRefused += 1;
    worker.state = "running";
    worker.clock.resume();
  };

  /** Paused workers and when they wake: at a step's end, when nothing else is in flight. */
  const sleepers: { worker: Worker; wakeAt: Millis }[] = [];
  const unheldSince = new Map<string, Millis>();
  const check = async (now: Millis) => {
    const snapshot = await store.snapshot();
    const byKey = new Map(snapshot.leases.map((l) => [l.leaseKey, l]));
    const validHolders = new Map<string, string[]>();
    const heldByRunning = new Set<string>();
    for (const worker of workers) {
      for (const { lease } of worker.coordinator.held()) {
        if (!(await fenceHolds(store, worker.id, lease))) continue;
        validHolders.set(lease.leaseKey, [
          ...(validHolders.get(lease.leaseKey) ?? []),
          `${worker.id} (${worker.state})`,
        ]);
        if (worker.state === "running") heldByRunning.add(lease.leaseKey);
      }
    }
    for (const [leaseKey, holders] of validHolders) {
      if (holders.length > 1)
        fail(`lease ${leaseKey} has ${holders.length} valid holders: ${holders.join(", ")}`);
    }
    for (const watch of [...failoverWatch]) {
      if (heldByRunning.has(watch.leaseKey) || isFinished(byKey.get(watch.leaseKey)!)) {
        watch.list.push(now - watch.since);
        failoverWatch.splice(failoverWatch.indexOf(watch), 1);
      }
    }
    if (running().length === 0) noneRunningUntil = now;
    for (const lease of snapshot.leases) {
      if (!isActive(lease, byKey)) continue;
      if (heldByRunning.has(lease.leaseKey)) {
        unheldSince.delete(lease.leaseKey);
        continue;
      }
      const since = unheldSince.get(lease.leaseKey) ?? now;
      unheldSince.set(lease.leaseKey, since);
      const from = Math.max(since, leaderLostAt, noneRunningUntil);
      report.maxUnheldMs = Math.max(report.maxUnheldMs, now - since);
      if (now - from > bound) {
        fail(
          `active lease ${lease.leaseKey} had no running holder for ${now - from} ms (bound ${bound} ms); the store shows ${holderOf(lease) ?? "no owner"}, counter ${lease.leaseCounter}`,
        );
      }
    }
  };

  const schedule = [
    ...options.joins.map((at) => ({ at, kind: "join" as const, pick: 0 })),
    ...[...options.events].sort((a, b) => a.at - b.at),
  ].sort((a, b) => a.at - b.at);
  let splitDone = false;
  const end = Math.max(options.splitAt, ...schedule.map((e) => e.at)) + options.settleMs;
  const afterStep = async (now: Millis) => {
    await statesOf();
    if (!splitDone && now >= options.splitAt) {
      splitDone = true;
      for (const worker of running()) {
        for (const { lease } of worker.coordinator.held())
          if (childrenOf.has(lease.leaseKey)) finishParent(worker, lease.leaseKey);
      }
      await statesOf();
    }
    for (const sleeper of sleepers.filter((s) => s.wakeAt <= now)) {
      sleepers.splice(sleepers.indexOf(sleeper), 1);
      if (sleeper.worker.state !== "paused") continue;
      await wake(sleeper.worker);
      await statesOf();
    }
    while (schedule.length > 0 && schedule[0]!.at <= now) {
      await apply(schedule.shift()!);
      await statesOf();
    }
    await check(now);
    if (violation) throw violation;
  };
  try {
    await advance({ clock, coordinators, to: end, step, afterStep });
    const snapshot = await store.snapshot();
    const byKey = new Map(snapshot.leases.map((l) => [l.leaseKey, l]));
    const counts = new Map(running().map((w) => [w.id, 0]));
    for (const worker of running()) {
      for (const { lease } of worker.coordinator.held()) {
        if ((await fenceHolds(store, worker.id, lease)) && isActive(byKey.get(lease.leaseKey)!, byKey)) {
          counts.set(worker.id, (counts.get(worker.id) ?? 0) + 1);
        }
      }
    }
    const active = snapshot.leases.filter((l) => isActive(l, byKey));
    const heldCount = [...counts.values()].reduce((a, b) => a + b, 0);
    if (heldCount !== active.length)
      fail(`at the end ${heldCount} of ${active.length} active leases have a running holder`);
    report.finalCounts = [...counts.values()];
    const spread = Math.max(...report.finalCounts) - Math.min(...report.finalCounts);
    if (spread > timing.balanceThreshold) {
      fail(
        `the fleet did not converge: lease counts of running workers range over ${spread} (${report.finalCounts.join(", ")})`,
      );
    }
    if (violation) throw violation;
    return report;
  } finally {
    for (const worker of workers) {
      worker.clock.pause();
      if (worker.state === "running") await worker.coordinator.stop();
    }
  }
}

/**
 * Whether `worker` is a valid holder of `lease` as it last wrote it: the store's own publish fence
 * passes (a publish without checkpoints or key groups, which writes nothing).
 */
async function fenceHolds(store: LeaseStore, worker: string, lease: Lease): Promise<boolean> {
  const probe = await store.publish({
    worker,
    leases: [{ leaseKey: lease.leaseKey, leaseCounter: lease.leaseCounter }],
  });
  return probe.ok;
}

function isActive(lease: Lease, byKey: ReadonlyMap<string, Lease>): boolean {
  if (isFinished(lease)) return false;
  return lease.parentShardIds.every((parent) => {
    const found = byKey.get(parent);
    return found === undefined || isFinished(found);
  });
}

/** Root shards carry key groups round robin; each split parent's key groups go half to each child. */
function leaseLayout(
  options: FleetOptions,
): { leaseKey: string; parentShardIds?: string[]; keyGroups: number[] }[] {
  const roots = options.leases - 2 * options.splits;
  const name = (i: number) => `shard-${String(i).padStart(3, "0")}`;
  const layout: { leaseKey: string; parentShardIds?: string[]; keyGroups: number[] }[] = Array.from(
    { length: roots },
    (_, i) => ({
      leaseKey: name(i),
      keyGroups: Array.from({ length: options.keyGroups }, (_, g) => g).filter((g) => g % roots === i),
    }),
  );
  for (let s = 0; s < options.splits; s++) {
    const parent = layout[s]!;
    const half = Math.ceil(parent.keyGroups.length / 2);
    layout.push(
      {
        leaseKey: name(roots + 2 * s),
        parentShardIds: [parent.leaseKey],
        keyGroups: parent.keyGroups.slice(0, half),
      },
      {
        leaseKey: name(roots + 2 * s + 1),
        parentShardIds: [parent.leaseKey],
        keyGroups: parent.keyGroups.slice(half),
      },
    );
  }
  return layout;
}
