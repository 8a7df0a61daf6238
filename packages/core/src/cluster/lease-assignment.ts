import { holderOf, isFinished, type Lease } from "./lease.ts";
import type { AssignmentReason } from "./lease-events.ts";

/** What the leader knows when it plans a round. */
export interface AssignmentInput {
  readonly leases: readonly Lease[];
  /** Workers that may receive leases: seen alive within the failover time (the leader among them). */
  readonly liveWorkers: readonly string[];
  /** Workers known to be gone: left, or their record stood still for the failover time. */
  readonly deadWorkers: ReadonlySet<string>;
  /** Leases whose counter stood still for the failover time. */
  readonly expired: ReadonlySet<string>;
  /** Leases whose handoff has been pending longer than the handoff timeout. */
  readonly handoffsTimedOut: ReadonlySet<string>;
  /** Whether leases nobody holds are assigned in this pass (else they wait, uncounted). */
  readonly assignUnowned: boolean;
  /** Whether this is a balancing round (moves allowed). */
  readonly balance: boolean;
  readonly maxMoves: number;
  readonly threshold: number;
}

/** The leader's writes for one round. */
export interface AssignmentPlan {
  /** Direct assignments (counter moves, any holder is fenced): leases nobody (alive) holds. */
  readonly assignments: readonly {
    readonly lease: Lease;
    readonly to: string;
    readonly reason: AssignmentReason;
  }[];
  /** Graceful moves from a live holder to an idler worker. */
  readonly moves: readonly { readonly lease: Lease; readonly from: string; readonly to: string }[];
}

interface Load {
  count: number;
  throughput: number;
}

/**
 * One round of the leader's assignment, as a pure function of what it knows:
 *
 * 1. Leases that are finished, or whose parents are not all finished (or deleted), are left out:
 *    parents before children, like KCL's `BlockOnParentShardTask`, but decided once, by the leader.
 * 2. Leases nobody holds, whose counter stood still for the failover time, whose holder is known
 *    dead, or whose handoff timed out are assigned first, each to the least loaded live worker
 *    other than the holder that let it expire (a timed-out handoff to its target when alive).
 * 3. In a balancing round, while the busiest live worker holds more than `threshold` leases over
 *    the idlest, one of its leases moves to the idlest — at most `maxMoves` a round, each a
 *    graceful handoff. Loads count leases by their next owner (a pending handoff counts for its
 *    target), never finished ones (KCL issue #1247: counting them skews the balance). Throughput,
 *    where known, breaks ties between workers and picks the lease that evens throughput most.
 */
export function planAssignment(input: AssignmentInput): AssignmentPlan {
  const byKey = new Map(input.leases.map((lease) => [lease.leaseKey, lease]));
  const active = input.leases.filter((lease) => !isFinished(lease) && parentsFinished(lease, byKey));
  if (input.liveWorkers.length === 0) return { assignments: [], moves: [] };
  const known = active.filter((lease) => lease.throughput !== undefined);
  const average = known.length === 0 ? 0 : known.reduce((sum, l) => sum + l.throughput!, 0) / known.length;
  const weight = (lease: Lease) => lease.throughput ?? average;

  const loads = new Map<string, Load>(input.liveWorkers.map((w) => [w, { count: 0, throughput: 0 }]));
  const add = (worker: string, lease: Lease, sign: 1 | -1) => {
    const load = loads.get(worker);
    if (!load) return;
    load.count += sign;
    load.throughput += sign * weight(lease);
  };

  const needy: { lease: Lease; reason: AssignmentReason; prefer: string | undefined }[] = [];
  const movable = new Map<string, Lease[]>();
  for (const lease of active) {
    const holder = holderOf(lease);
    const reason = needOf(lease, holder, input);
    if (reason === "unowned" && !input.assignUnowned) continue;
    if (reason) {
      const target = lease.checkpointOwner !== undefined ? lease.leaseOwner : undefined;
      needy.push({ lease, reason, prefer: target });
      continue;
    }
    // A lease counts for its next owner: a pending handoff's target, unless that died.
    const next = loads.has(lease.leaseOwner!) ? lease.leaseOwner! : holder!;
    add(next, lease, 1);
    if (lease.checkpointOwner === undefined) {
      const list = movable.get(next) ?? [];
      list.push(lease);
      movable.set(next, list);
    }
  }

  const assignments: { lease: Lease; to: string; reason: AssignmentReason }[] = [];
  for (const { lease, reason, prefer } of needy) {
    // Not back to a holder that let the lease expire, unless it is the only worker left.
    const holder = holderOf(lease);
    const to = prefer !== undefined && loads.has(prefer) ? prefer : leastLoaded(loads, holder);
    add(to, lease, 1);
    assignments.push({ lease, to, reason });
  }

  const moves: { lease: Lease; from: string; to: string }[] = [];
  while (input.balance && moves.length < input.maxMoves) {
    const from = mostLoaded(loads);
    const to = leastLoaded(loads);
    const gap = loads.get(from)!.count - loads.get(to)!.count;
    if (gap <= input.threshold) break;
    const candidates = movable.get(from) ?? [];
    const lease = evenest(candidates, loads.get(from)!, loads.get(to)!, weight);
    if (!lease) break;
    candidates.splice(candidates.indexOf(lease), 1);
    add(from, lease, -1);
    add(to, lease, 1);
    moves.push({ lease, from, to });
  }
  return { assignments, moves };
}

function needOf(
  lease: Lease,
  holder: string | undefined,
  input: AssignmentInput,
): AssignmentReason | undefined {
  if (holder === undefined) return "unowned";
  if (input.expired.has(lease.leaseKey)) return "expired";
  if (input.deadWorkers.has(holder)) return "owner-dead";
  // A handoff whose target died meanwhile still completes: the holder checkpoints and releases,
  // and the released lease (held by a dead worker) is reassigned at the next pass.
  if (lease.checkpointOwner !== undefined && input.handoffsTimedOut.has(lease.leaseKey))
    return "handoff-timeout";
  return undefined;
}

function parentsFinished(lease: Lease, byKey: ReadonlyMap<string, Lease>): boolean {
  // A parent whose lease is gone was finished and cleaned up (KCL treats it the same way).
  return lease.parentShardIds.every((parent) => {
    const found = byKey.get(parent);
    return found === undefined || isFinished(found);
  });
}

function leastLoaded(loads: ReadonlyMap<string, Load>, avoid?: string): string {
  const others = avoid !== undefined && loads.has(avoid) && loads.size > 1;
  const candidates = others ? new Map([...loads].filter(([worker]) => worker !== avoid)) : loads;
  return pick(candidates, (a, b) => a.count - b.count || a.throughput - b.throughput);
}

function mostLoaded(loads: ReadonlyMap<string, Load>): string {
  return pick(loads, (a, b) => b.count - a.count || b.throughput - a.throughput);
}

/** The worker that sorts first by `order`, ties broken by id, so every leader picks alike. */
function pick(loads: ReadonlyMap<string, Load>, order: (a: Load, b: Load) => number): string {
  let best: string | undefined;
  for (const [worker, load] of loads) {
    if (best === undefined) {
      best = worker;
      continue;
    }
    const compared = order(load, loads.get(best)!);
    if (compared < 0 || (compared === 0 && worker < best)) best = worker;
  }
  return best!;
}

/** The lease whose move leaves the two workers' throughputs closest (the first by key on a tie). */
function evenest(
  candidates: readonly Lease[],
  from: Load,
  to: Load,
  weight: (lease: Lease) => number,
): Lease | undefined {
  let best: Lease | undefined;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const lease of candidates) {
    const w = weight(lease);
    const gap = Math.abs(from.throughput - w - (to.throughput + w));
    if (gap < bestGap || (gap === bestGap && best !== undefined && lease.leaseKey < best.leaseKey)) {
      best = lease;
      bestGap = gap;
    }
  }
  return best;
}
