import { holderOf, isFinished, type Lease, type LeaseStore, type LeaseTableSnapshot } from "@eddy/core";

/**
 * Options of {@link watchLeaseTable}; defaults in {@link LEASE_TABLE_WATCH_DEFAULTS}.
 *
 * @example
 * const options: LeaseTableWatchOptions = { everyMs: 5_000 };
 */
export interface LeaseTableWatchOptions {
  /** How often the table is read, in ms of real time. */
  readonly everyMs?: number;
}

/**
 * Defaults of {@link LeaseTableWatchOptions}.
 *
 * @example
 * const reads = 1_000 / LEASE_TABLE_WATCH_DEFAULTS.everyMs; // table reads per second
 */
export const LEASE_TABLE_WATCH_DEFAULTS = {
  /** The table is read every 2 s: a few Redis commands per lease, only while someone watches. */
  everyMs: 2_000,
} as const;

/**
 * One worker of the job as the lease table shows it.
 *
 * @example
 * const line = (w: WorkerHoldings) => `${w.workerId}${w.leader ? " (leader)" : ""}: ${w.leases.join(", ")}`;
 */
export interface WorkerHoldings {
  /** The worker's id (`--worker-id`). */
  readonly workerId: string;
  /** Whether it holds the leader lock. */
  readonly leader: boolean;
  /** The splits whose leases it holds (not finished), sorted. */
  readonly leases: readonly string[];
  /** The key groups those leases carry. */
  readonly keyGroups: number;
  /** Records per second its leases last reported, summed (0 when none did). */
  readonly throughput: number;
}

/**
 * What {@link watchLeaseTable} has seen so far.
 *
 * @example
 * const { workers, handoffs, failovers } = watch.reading();
 * console.log(`${workers.length} workers; ${handoffs} handoffs and ${failovers} failovers seen`);
 * declare const watch: LeaseTableWatch;
 */
export interface LeaseTableReading {
  /** The last snapshot read, or `undefined` before the first. */
  readonly snapshot: LeaseTableSnapshot | undefined;
  /** Every live worker (not left), with what it holds. */
  readonly workers: readonly WorkerHoldings[];
  /** Leases that moved by a graceful handoff, seen since the watch started. */
  readonly handoffs: number;
  /** Leases that moved away from a holder without a handoff (it died, stalled or timed out), seen since. */
  readonly failovers: number;
}

/**
 * A running {@link watchLeaseTable}.
 *
 * @example
 * const watch: LeaseTableWatch = watchLeaseTable(new MemoryLeaseStore());
 * await watch.refresh();
 * watch.stop();
 */
export interface LeaseTableWatch {
  /** The job's lease table's description (`redis://… job fx-pricing`). */
  readonly description: string;
  /** What was seen so far. */
  reading(): LeaseTableReading;
  /** Reads the table now (the timer does it too). */
  refresh(): Promise<void>;
  /** Stops reading. */
  stop(): void;
}

/**
 * Reads a job's lease table every `everyMs`, so any worker — or a process running no job — can
 * show the whole job: every worker, the leader, who holds which split and its key groups. It also
 * counts moves between two readings: a lease whose holder changed while a handoff to the new
 * holder was pending moved by a **handoff**; one whose holder changed otherwise, by a
 * **failover**. Counts start at the watch's start; moves that begin and end between two readings
 * are seen only by their effect.
 *
 * @example
 * const watch = watchLeaseTable(redisLeases("redis://127.0.0.1:6379", { job: "fx-pricing" }));
 * setTimeout(() => console.log(watch.reading().workers), 5_000);
 */
export function watchLeaseTable(store: LeaseStore, options: LeaseTableWatchOptions = {}): LeaseTableWatch {
  const everyMs = options.everyMs ?? LEASE_TABLE_WATCH_DEFAULTS.everyMs;
  let snapshot: LeaseTableSnapshot | undefined;
  let handoffs = 0;
  let failovers = 0;
  const refresh = async () => {
    let next: LeaseTableSnapshot;
    try {
      next = await store.snapshot();
    } catch {
      return; // Unreachable for now (Redis restarting): the last reading stands.
    }
    if (snapshot) {
      const moves = movesBetween(snapshot, next);
      handoffs += moves.handoffs;
      failovers += moves.failovers;
    }
    snapshot = next;
  };
  void refresh();
  const timer = setInterval(() => void refresh(), everyMs);
  timer.unref();
  return {
    description: store.description,
    reading: () => ({ snapshot, workers: snapshot ? holdingsOf(snapshot) : [], handoffs, failovers }),
    refresh,
    stop: () => clearInterval(timer),
  };
}

/**
 * Every live worker of `snapshot` with the leases it holds.
 *
 * @example
 * const busiest = holdingsOf(snapshot).sort((a, b) => b.leases.length - a.leases.length)[0];
 * declare const snapshot: LeaseTableSnapshot;
 */
export function holdingsOf(snapshot: LeaseTableSnapshot): WorkerHoldings[] {
  const held = new Map<string, Lease[]>();
  for (const worker of snapshot.workers) if (!worker.left) held.set(worker.workerId, []);
  for (const lease of snapshot.leases) {
    const holder = holderOf(lease);
    if (holder === undefined || isFinished(lease)) continue;
    held.set(holder, [...(held.get(holder) ?? []), lease]);
  }
  return [...held].map(([workerId, leases]) => ({
    workerId,
    leader: snapshot.leader.leader === workerId,
    leases: leases.map((l) => l.leaseKey).sort(),
    keyGroups: leases.reduce((sum, l) => sum + l.keyGroups.length, 0),
    throughput: leases.reduce((sum, l) => sum + (l.throughput ?? 0), 0),
  }));
}

/**
 * Leases whose holder changed between two readings of the table, by how.
 *
 * @example
 * const moved = (m: LeaseMoves) => m.handoffs + m.failovers;
 */
export interface LeaseMoves {
  /** Moved by a graceful handoff: a handoff to the new holder was pending. */
  readonly handoffs: number;
  /** Moved from a holder to another without one. */
  readonly failovers: number;
}

/**
 * The leases whose holder changed from `before` to `after`: by a handoff (a handoff to the new
 * holder was pending in `before`) or a failover (otherwise, from a holder to another).
 *
 * @example
 * const { handoffs, failovers } = movesBetween(earlier, later);
 * declare const earlier: LeaseTableSnapshot;
 * declare const later: LeaseTableSnapshot;
 */
export function movesBetween(before: LeaseTableSnapshot, after: LeaseTableSnapshot): LeaseMoves {
  const previous = new Map(before.leases.map((lease) => [lease.leaseKey, lease]));
  let handoffs = 0;
  let failovers = 0;
  for (const lease of after.leases) {
    const was = previous.get(lease.leaseKey);
    const from = was && holderOf(was);
    const to = holderOf(lease);
    if (!was || from === undefined || to === undefined || from === to) continue;
    if (was.checkpointOwner !== undefined && was.leaseOwner === to) handoffs++;
    else failovers++;
  }
  return { handoffs, failovers };
}
