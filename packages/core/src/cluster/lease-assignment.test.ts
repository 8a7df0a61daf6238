import { describe, expect, test } from "vitest";
import { type Lease, newLease, SHARD_END } from "./lease.ts";
import { type AssignmentInput, planAssignment } from "./lease-assignment.ts";

const lease = (leaseKey: string, fields: Partial<Lease> = {}): Lease => ({
  ...newLease({ leaseKey }),
  leaseCounter: 5,
  ...fields,
});
const held = (leaseKey: string, owner: string, fields: Partial<Lease> = {}) =>
  lease(leaseKey, { leaseOwner: owner, ...fields });

const plan = (input: Partial<AssignmentInput> & Pick<AssignmentInput, "leases" | "liveWorkers">) =>
  planAssignment({
    deadWorkers: new Set(),
    expired: new Set(),
    handoffsTimedOut: new Set(),
    assignUnowned: true,
    balance: true,
    maxMoves: 2,
    threshold: 1,
    ...input,
  });
const assigned = (p: ReturnType<typeof plan>) =>
  p.assignments.map((a) => `${a.lease.leaseKey}→${a.to} (${a.reason})`);
const moved = (p: ReturnType<typeof plan>) => p.moves.map((m) => `${m.lease.leaseKey}: ${m.from}→${m.to}`);

describe("planAssignment", () => {
  test("unowned leases go to the least loaded live workers, ties broken by id", () => {
    const p = plan({
      leases: [held("a", "w1"), lease("b"), lease("c"), lease("d")],
      liveWorkers: ["w1", "w2", "w3"],
    });
    expect(assigned(p)).toEqual(["b→w2 (unowned)", "c→w3 (unowned)", "d→w1 (unowned)"]);
    expect(p.moves).toEqual([]);
  });

  test("expired leases and leases of dead workers are reassigned, never to their old holder", () => {
    const p = plan({
      leases: [held("a", "w1"), held("b", "w2"), held("c", "w3")],
      liveWorkers: ["w1", "w2"],
      expired: new Set(["a"]),
      deadWorkers: new Set(["w3"]),
    });
    // w1 is alive but failed to renew a: a goes elsewhere even though w1 is the least loaded.
    expect(assigned(p)).toEqual(["a→w2 (expired)", "c→w1 (owner-dead)"]);
    const alone = plan({ leases: [held("a", "w1")], liveWorkers: ["w1"], expired: new Set(["a"]) });
    expect(assigned(alone)).toEqual(["a→w1 (expired)"]);
  });

  test("a child waits until all its parents are finished; a parent whose lease is gone counts as finished", () => {
    const parents = [held("p1", "w1", { checkpoint: SHARD_END }), held("p2", "w1")];
    const children = [
      lease("c1", { parentShardIds: ["p1", "p2"] }),
      lease("c2", { parentShardIds: ["p1", "gone"] }),
    ];
    const p = plan({ leases: [...parents, ...children], liveWorkers: ["w1", "w2"] });
    expect(assigned(p)).toEqual(["c2→w2 (unowned)"]);
    const later = plan({
      leases: [parents[0]!, held("p2", "w1", { checkpoint: SHARD_END }), ...children],
      liveWorkers: ["w1", "w2"],
    });
    expect(assigned(later)).toEqual(["c1→w1 (unowned)", "c2→w2 (unowned)"]);
  });

  test("finished leases are neither assigned nor counted as load", () => {
    const p = plan({
      leases: [
        held("f1", "w1", { checkpoint: SHARD_END }),
        held("f2", "w1", { checkpoint: SHARD_END }),
        held("f3", "w1", { checkpoint: SHARD_END }),
        held("a", "w2"),
        lease("b"),
        lease("f4", { checkpoint: SHARD_END }),
      ],
      liveWorkers: ["w1", "w2"],
    });
    expect(assigned(p)).toEqual(["b→w1 (unowned)"]);
    expect(p.moves).toEqual([]);
  });

  test("balancing moves from the busiest to the idlest only while the spread exceeds the threshold, at most maxMoves a round", () => {
    const leases = ["a", "b", "c", "d", "e", "f", "g"].map((k) => held(k, "w1"));
    const p = plan({ leases, liveWorkers: ["w1", "w2", "w3"] });
    expect(moved(p)).toEqual(["a: w1→w2", "b: w1→w3"]);
    const calm = plan({
      leases: [held("a", "w1"), held("b", "w1"), held("c", "w2")],
      liveWorkers: ["w1", "w2"],
    });
    expect(calm.moves).toEqual([]);
    const wider = plan({ leases, liveWorkers: ["w1", "w2", "w3"], threshold: 3, maxMoves: 10 });
    // 7-0-0, 6-1-0, 5-1-1, 4-2-1: a spread of 3 is within the threshold.
    expect(moved(wider)).toEqual(["a: w1→w2", "b: w1→w3", "c: w1→w2"]);
    expect(plan({ leases, liveWorkers: ["w1", "w2", "w3"], balance: false }).moves).toEqual([]);
  });

  test("a pending handoff counts for its target, so the same lease is not moved twice", () => {
    const p = plan({
      leases: [held("a", "w2", { checkpointOwner: "w1" }), held("b", "w1"), held("c", "w1"), held("d", "w1")],
      liveWorkers: ["w1", "w2"],
    });
    // w1 holds b, c, d and is handing a to w2: loads 3 and 1, one move evens them.
    expect(moved(p)).toEqual(["b: w1→w2"]);
  });

  test("a timed-out handoff goes to its target when alive, else to the least loaded worker but its holder", () => {
    const p = plan({
      leases: [held("a", "w2", { checkpointOwner: "w1" }), held("b", "w4", { checkpointOwner: "w1" })],
      liveWorkers: ["w1", "w2", "w3"],
      handoffsTimedOut: new Set(["a", "b"]),
    });
    expect(assigned(p)).toEqual(["a→w2 (handoff-timeout)", "b→w3 (handoff-timeout)"]);
  });

  test("a handoff whose target died completes first: once released, the lease goes to a live worker", () => {
    const pending = plan({
      leases: [held("a", "w2", { checkpointOwner: "w1" }), held("b", "w3")],
      liveWorkers: ["w1", "w3"],
      deadWorkers: new Set(["w2"]),
    });
    expect(pending.assignments).toEqual([]);
    expect(pending.moves).toEqual([]);
    const released = plan({
      leases: [held("a", "w2"), held("b", "w3")],
      liveWorkers: ["w1", "w3"],
      deadWorkers: new Set(["w2"]),
    });
    expect(assigned(released)).toEqual(["a→w1 (owner-dead)"]);
  });

  test("while workers join, unowned leases wait but expired ones do not", () => {
    const p = plan({
      leases: [lease("a"), held("b", "w1"), held("c", "w1")],
      liveWorkers: ["w1", "w2"],
      expired: new Set(["b"]),
      assignUnowned: false,
      balance: false,
    });
    expect(assigned(p)).toEqual(["b→w2 (expired)"]);
  });

  test("with throughput known, the busier of equally loaded workers gives, and the lease that evens throughput moves", () => {
    const p = plan({
      leases: [
        held("a1", "w1", { throughput: 100 }),
        held("a2", "w1", { throughput: 100 }),
        held("a3", "w1", { throughput: 100 }),
        held("b1", "w2", { throughput: 500 }),
        held("b2", "w2", { throughput: 400 }),
        held("b3", "w2", { throughput: 100 }),
      ],
      liveWorkers: ["w1", "w2", "w3"],
      maxMoves: 1,
    });
    // w2 carries 1000 records/s: moving b1 (500) to w3 leaves 500 and 500 (b2 would leave 600 and 400).
    expect(moved(p)).toEqual(["b1: w2→w3"]);
  });

  test("no live workers, no plan", () => {
    expect(plan({ leases: [lease("a")], liveWorkers: [] })).toEqual({ assignments: [], moves: [] });
  });
});
