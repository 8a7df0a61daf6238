import { holderOf, type Lease, newLease, SHARD_END } from "../cluster/lease.ts";
import { LeaseCoordinator } from "../cluster/lease-coordinator.ts";
import { LEASE_DEFAULTS } from "../cluster/lease-defaults.ts";
import type { LeaseEvent } from "../cluster/lease-events.ts";
import type {
  LeaderFence,
  LeaderWrite,
  LeaseRefusal,
  LeaseStore,
  LeaseWrite,
  PublishResult,
  WorkerWrite,
} from "../cluster/lease-store.ts";
import { advance } from "../cluster/testing/advance.ts";
import { PausableClock } from "../cluster/testing/pausable-clock.ts";
import { silentLogger } from "../logging/logger.ts";
import { VirtualClock } from "../time/clock.ts";
import type { ContractCase } from "./contract-case.ts";
import { check, sameJson, withOpened } from "./contract-checks.ts";
import { savepointStoreCases } from "./savepoint-store-contract.ts";

/**
 * What {@link leaseStoreContract} tests: how to open a store, and how to dispose of one.
 *
 * @example
 * const options: LeaseStoreContractOptions<RedisLeaseStore> = {
 *   open: () => redisLeases("redis://127.0.0.1:6379", { job: `contract-${crypto.randomUUID()}` }),
 *   close: async (store) => {
 *     await store.clear();
 *     await store.close();
 *   },
 * };
 */
export interface LeaseStoreContractOptions<TStore extends LeaseStore = LeaseStore> {
  /** Opens an empty store (a job of its own); called once per case. */
  open(): TStore | Promise<TStore>;
  /** Disposes of a store after its case (delete its keys, close it); default `store.close()`. */
  close?(store: TStore): Promise<void> | void;
}

type Write = LeaseWrite | WorkerWrite | LeaderWrite | PublishResult;

function succeeded<T extends Write>(write: T, what: string): Extract<T, { ok: true }> {
  check(
    write.ok,
    `${what} was refused (${write.ok ? "" : `${write.code}: ${write.message}`}); it should succeed`,
  );
  return write as Extract<T, { ok: true }>;
}

function refusedWith(
  write: Write | { ok: boolean; code?: LeaseRefusal },
  code: LeaseRefusal,
  what: string,
): void {
  check(!write.ok, `${what} succeeded; it should be refused (${code})`);
  check(write.code === code, `${what} was refused with "${write.code}"; expected "${code}"`);
}

function show(lease: Lease | undefined): string {
  if (!lease) return "no lease";
  return `{ leaseOwner: ${lease.leaseOwner}, checkpointOwner: ${lease.checkpointOwner}, leaseCounter: ${lease.leaseCounter}, checkpoint: ${lease.checkpoint} }`;
}

const TIMING = { ...LEASE_DEFAULTS };

/**
 * The contract every {@link LeaseStore} keeps, as framework-free test cases (run one test per
 * case; see {@link ContractCase}). Each case opens a store of its own. It checks:
 *
 * - `createLease` creates once (then `exists`), with KCL's attributes as given;
 * - every conditional write refuses a stale counter and changes nothing; two (or five) takers
 *   racing for one lease with the same counter: exactly one wins;
 * - renewals move the counter and only the holder renews; a checkpoint leaves the counter alone;
 * - a zombie — a holder whose lease another worker took — is refused renew, checkpoint, release
 *   and publish, while the new holder's succeed;
 * - the graceful handoff: the leader marks it, the old owner still renews and publishes, the
 *   target cannot take before the release, the release passes the lease to the target with the
 *   checkpoint, the target takes it, the old owner is fenced;
 * - `assignLease` fences the old holder and cancels a pending handoff; leader writes need the
 *   current leader's token;
 * - the leader lock: acquired when free, taken over only with its current counter, with a greater
 *   token; a deposed leader's renewals and writes are refused; resigning frees it;
 * - worker records: a new claim fences the previous incarnation's heartbeats and takes;
 * - the fenced publish is all-or-nothing, and key-group pointers read back with lease and epoch;
 *   fenced on an incarnation, it records the worker's committables, and a superseded incarnation's
 *   publish is refused (stores with `readCommittables`);
 * - the revision moves with ownership and with workers joining and leaving, not with renewals,
 *   heartbeats, checkpoints or publishes; `counters()` agrees with a snapshot;
 * - with {@link LeaseCoordinator}s on a virtual clock: a crashed holder's lease is reassigned only
 *   after its counter stood still for the failover time on the leader's clock, and soon after; a
 *   paused worker's publish is refused once its lease was taken; a worker restarted with the same
 *   id takes its leases back and fences the old process;
 * - savepoints of the whole job (stores with the `SavepointStore` operations): one request at a
 *   time, staged only by publishes tagged with it, completed by the leader once every unfinished
 *   lease is staged; a restore resets the table once, fenced on the revision.
 *
 * @example
 * import { describe, test } from "vitest";
 * describe("MemoryLeaseStore keeps the LeaseStore contract", () => {
 *   for (const c of leaseStoreContract({ open: () => new MemoryLeaseStore() })) test(c.name, c.run);
 * });
 */
export function leaseStoreContract<TStore extends LeaseStore>(
  options: LeaseStoreContractOptions<TStore>,
): ContractCase[] {
  const withStore = withOpened(() => options.open(), options.close?.bind(options));
  /** A worker record claimed and a lease taken by it. */
  const claim = async (store: LeaseStore, worker: string): Promise<number> => {
    const record = (await store.snapshot()).workers.find((w) => w.workerId === worker);
    const write = succeeded(
      await store.claimWorker({ worker, expectedCounter: record?.counter ?? 0 }),
      `claimWorker("${worker}")`,
    );
    return write.worker.incarnation;
  };
  const take = async (
    store: LeaseStore,
    leaseKey: string,
    worker: string,
    incarnation: number,
  ): Promise<Lease> => {
    const lease = await store.readLease(leaseKey);
    check(lease, `readLease("${leaseKey}") found nothing after createLease`);
    const write = await store.takeLease(leaseKey, {
      worker,
      incarnation,
      expectedCounter: lease.leaseCounter,
    });
    return succeeded(write, `takeLease("${leaseKey}") by "${worker}" with the current counter`).lease;
  };
  const lead = async (store: LeaseStore, worker: string): Promise<LeaderFence> => {
    const lock = await store.readLeader();
    const write = succeeded(
      await store.acquireLeadership({ worker, expectedCounter: lock.leaseCounter }),
      `acquireLeadership by "${worker}" with the lock's counter`,
    );
    return { worker, token: write.lock.token };
  };

  return [
    ...savepointStoreCases({ withStore, claim, take, lead }),
    {
      name: "createLease creates a lease once, with KCL's attributes as given, and lists it",
      run: withStore(async (store) => {
        const init = {
          leaseKey: "shard-child",
          parentShardIds: ["shard-a", "shard-b"],
          keyGroups: [5, 3, 4],
          checkpoint: "TRIM_HORIZON",
          checkpointSubSequenceNumber: 0,
        };
        const created = succeeded(await store.createLease(init), "the first createLease");
        const expected = newLease(init);
        check(
          sameJson(created.lease, expected),
          `createLease answered ${JSON.stringify(created.lease)}; expected ${JSON.stringify(expected)}`,
        );
        const stored = await store.readLease("shard-child");
        check(
          sameJson(stored, expected),
          `readLease gives ${JSON.stringify(stored)}; expected ${JSON.stringify(expected)}`,
        );
        const again = await store.createLease({ leaseKey: "shard-child", keyGroups: [9] });
        refusedWith(again, "exists", "a second createLease of the same key");
        check(
          sameJson(await store.readLease("shard-child"), expected),
          "a refused createLease changed the stored lease",
        );
        await store.createLease({ leaseKey: "shard-a" });
        const listed = (await store.snapshot()).leases.map((l) => l.leaseKey);
        check(
          sameJson(listed, ["shard-a", "shard-child"]),
          `snapshot lists ${JSON.stringify(listed)}; expected ["shard-a","shard-child"], sorted`,
        );
        check((await store.readLease("nothing")) === undefined, "readLease of an unknown key found a lease");
      }),
    },
    {
      name: "a take with the current counter wins and moves the counter; a stale counter is refused and changes nothing",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s" });
        const a = await claim(store, "a");
        const b = await claim(store, "b");
        const taken = await take(store, "s", "a", a);
        check(taken.leaseOwner === "a" && taken.leaseCounter === 1, `after a's take: ${show(taken)}`);
        const stale = await store.takeLease("s", { worker: "b", incarnation: b, expectedCounter: 0 });
        refusedWith(stale, "counter", "b's take with counter 0 after a's take");
        const after = await store.readLease("s");
        check(
          after?.leaseOwner === "a" && after.leaseCounter === 1,
          `a refused take changed the lease: ${show(after)}`,
        );
        const missing = await store.takeLease("nope", { worker: "b", incarnation: b, expectedCounter: 0 });
        refusedWith(missing, "missing", "a take of an unknown lease");
      }),
    },
    {
      name: "workers racing to take one lease with the same counter: exactly one wins",
      run: withStore(async (store) => {
        for (const racers of [2, 5]) {
          const key = `race-${racers}`;
          await store.createLease({ leaseKey: key });
          const names = Array.from({ length: racers }, (_, i) => `racer-${racers}-${i}`);
          const incarnations = await Promise.all(names.map((name) => claim(store, name)));
          const writes = await Promise.all(
            names.map((worker, i) =>
              store.takeLease(key, { worker, incarnation: incarnations[i]!, expectedCounter: 0 }),
            ),
          );
          const winners = writes.filter((w) => w.ok);
          check(
            winners.length === 1,
            `${racers} racers: ${winners.length} takes succeeded; exactly one must`,
          );
          for (const write of writes) if (!write.ok) refusedWith(write, "counter", "a losing racer's take");
          const stored = await store.readLease(key);
          check(
            winners[0]?.ok &&
              stored?.leaseOwner === winners[0].lease.leaseOwner &&
              stored?.leaseCounter === 1,
            `${racers} racers: the store shows ${show(stored)}, not the winner's take`,
          );
        }
      }),
    },
    {
      name: "only the holder renews, with its current counter; each renewal moves the counter",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s" });
        const a = await claim(store, "a");
        let lease = await take(store, "s", "a", a);
        for (let i = 0; i < 3; i++) {
          const write = succeeded(
            await store.renewLease("s", {
              worker: "a",
              expectedCounter: lease.leaseCounter,
              throughput: 120 + i,
            }),
            `renewal ${i + 1} by the holder`,
          );
          check(
            write.lease.leaseCounter === lease.leaseCounter + 1,
            `renewal ${i + 1} left counter ${write.lease.leaseCounter}; expected ${lease.leaseCounter + 1}`,
          );
          lease = write.lease;
        }
        check(
          lease.throughput === 122,
          `the renewal's throughput reads back as ${lease.throughput}, not 122`,
        );
        const stale = await store.renewLease("s", { worker: "a", expectedCounter: lease.leaseCounter - 1 });
        refusedWith(stale, "counter", "a renewal with the counter before the last");
        const other = await store.renewLease("s", { worker: "b", expectedCounter: lease.leaseCounter });
        refusedWith(other, "holder", "a renewal by a worker that does not hold the lease");
        const stored = await store.readLease("s");
        check(
          stored?.leaseCounter === lease.leaseCounter,
          `refused renewals moved the counter: ${show(stored)}`,
        );
      }),
    },
    {
      name: "a zombie is fenced: once another worker took its lease, its renew, checkpoint, release and publish are refused",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s", keyGroups: [1] });
        const a = await claim(store, "a");
        const b = await claim(store, "b");
        const held = await take(store, "s", "a", a);
        // b takes over as after a failover (b saw the counter stand still).
        const taken = succeeded(
          await store.takeLease("s", { worker: "b", incarnation: b, expectedCounter: held.leaseCounter }),
          "b's take with the counter a last wrote",
        );
        const zombie = { worker: "a", expectedCounter: held.leaseCounter };
        refusedWith(await store.renewLease("s", zombie), "holder", "the zombie's renewal");
        refusedWith(
          await store.checkpointLease("s", { ...zombie, checkpoint: "zombie-position" }),
          "holder",
          "the zombie's checkpoint",
        );
        refusedWith(await store.releaseLease("s", zombie), "holder", "the zombie's release");
        const published = await store.publish({
          worker: "a",
          leases: [{ leaseKey: "s", leaseCounter: held.leaseCounter, checkpoint: "zombie-position" }],
          keyGroups: [{ keyGroup: 1, state: "zombie-state" }],
        });
        refusedWith(published, "holder", "the zombie's publish");
        const stored = await store.readLease("s");
        check(
          stored?.checkpoint === undefined && (await store.readKeyGroups([1])).size === 0,
          `a refused zombie write left traces: ${show(stored)}`,
        );
        const counter = taken.lease.leaseCounter;
        succeeded(
          await store.publish({
            worker: "b",
            leases: [{ leaseKey: "s", leaseCounter: counter, checkpoint: "b-1" }],
          }),
          "the new holder's publish",
        );
        succeeded(
          await store.renewLease("s", { worker: "b", expectedCounter: counter }),
          "the new holder's renewal",
        );
      }),
    },
    {
      name: "a checkpoint records the position and resets owner switches without moving the counter",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s" });
        const a = await claim(store, "a");
        const b = await claim(store, "b");
        const first = await take(store, "s", "a", a);
        const second = succeeded(
          await store.takeLease("s", { worker: "b", incarnation: b, expectedCounter: first.leaseCounter }),
          "b's take from a",
        ).lease;
        check(
          second.ownerSwitchesSinceCheckpoint === 1,
          `a take from another holder left ownerSwitchesSinceCheckpoint ${second.ownerSwitchesSinceCheckpoint}; expected 1`,
        );
        const write = succeeded(
          await store.checkpointLease("s", {
            worker: "b",
            expectedCounter: second.leaseCounter,
            checkpoint: "4959",
            checkpointSubSequenceNumber: 3,
          }),
          "the holder's checkpoint",
        );
        const { lease } = write;
        check(
          lease.checkpoint === "4959" &&
            lease.checkpointSubSequenceNumber === 3 &&
            lease.ownerSwitchesSinceCheckpoint === 0 &&
            lease.leaseCounter === second.leaseCounter,
          `after the checkpoint: ${show(lease)} with ${lease.ownerSwitchesSinceCheckpoint} owner switches and sub-sequence ${lease.checkpointSubSequenceNumber}`,
        );
        const stale = await store.checkpointLease("s", {
          worker: "b",
          expectedCounter: second.leaseCounter - 1,
          checkpoint: "stale",
        });
        refusedWith(stale, "counter", "a checkpoint with a stale counter");
        check(
          (await store.readLease("s"))?.checkpoint === "4959",
          "a refused checkpoint changed the position",
        );
      }),
    },
    {
      name: "a graceful handoff: marked by the leader, released by the old owner with its checkpoint, then taken by the target",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s", keyGroups: [2] });
        const a = await claim(store, "a");
        const b = await claim(store, "b");
        const held = await take(store, "s", "a", a);
        const leader = await lead(store, "a");
        const marked = succeeded(
          await store.startHandoff("s", { leader, expectedCounter: held.leaseCounter, to: "b" }),
          "startHandoff to b",
        ).lease;
        check(
          marked.checkpointOwner === "a" &&
            marked.leaseOwner === "b" &&
            marked.leaseCounter === held.leaseCounter,
          `a started handoff should read checkpointOwner a, leaseOwner b, the same counter: ${show(marked)}`,
        );
        check(holderOf(marked) === "a", "during a handoff the old owner must still hold the lease");
        const renewed = succeeded(
          await store.renewLease("s", { worker: "a", expectedCounter: marked.leaseCounter }),
          "the old owner's renewal during the handoff",
        ).lease;
        const early = await store.takeLease("s", {
          worker: "b",
          incarnation: b,
          expectedCounter: renewed.leaseCounter,
        });
        refusedWith(early, "holder", "the target's take before the old owner released");
        succeeded(
          await store.publish({
            worker: "a",
            leases: [{ leaseKey: "s", leaseCounter: renewed.leaseCounter, checkpoint: "final" }],
            keyGroups: [{ keyGroup: 2, state: { chain: ["a/1/kg2"] } }],
          }),
          "the old owner's final publish during the handoff",
        );
        const released = succeeded(
          await store.releaseLease("s", {
            worker: "a",
            expectedCounter: renewed.leaseCounter,
            checkpoint: "final-2",
          }),
          "the old owner's release",
        ).lease;
        check(
          released.leaseOwner === "b" &&
            released.checkpointOwner === undefined &&
            released.checkpoint === "final-2" &&
            released.leaseCounter === renewed.leaseCounter + 1,
          `after the release the lease should belong to b with the checkpoint and a moved counter: ${show(released)}`,
        );
        refusedWith(
          await store.renewLease("s", { worker: "a", expectedCounter: released.leaseCounter }),
          "holder",
          "the old owner's renewal after its release",
        );
        const taken = succeeded(
          await store.takeLease("s", { worker: "b", incarnation: b, expectedCounter: released.leaseCounter }),
          "the target's take after the release",
        ).lease;
        check(holderOf(taken) === "b" && taken.checkpoint === "final-2", `after b's take: ${show(taken)}`);
        const pointers = await store.readKeyGroups([2]);
        check(
          sameJson(pointers.get(2)?.state, { chain: ["a/1/kg2"] }),
          `the handoff's key-group pointer reads ${JSON.stringify(pointers.get(2))}`,
        );
      }),
    },
    {
      name: "startHandoff is refused with a stale counter, during another handoff, for an unowned lease, and without the leader's token",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s" });
        await store.createLease({ leaseKey: "free" });
        const a = await claim(store, "a");
        const held = await take(store, "s", "a", a);
        const leader = await lead(store, "a");
        refusedWith(
          await store.startHandoff("s", { leader, expectedCounter: held.leaseCounter - 1, to: "b" }),
          "counter",
          "startHandoff with a stale counter",
        );
        refusedWith(
          await store.startHandoff("s", {
            leader: { worker: "a", token: leader.token + 1 },
            expectedCounter: held.leaseCounter,
            to: "b",
          }),
          "leader",
          "startHandoff with a token the leader does not hold",
        );
        refusedWith(
          await store.startHandoff("free", { leader, expectedCounter: 0, to: "b" }),
          "holder",
          "startHandoff of a lease nobody holds",
        );
        succeeded(
          await store.startHandoff("s", { leader, expectedCounter: held.leaseCounter, to: "b" }),
          "startHandoff to b",
        );
        refusedWith(
          await store.startHandoff("s", { leader, expectedCounter: held.leaseCounter, to: "c" }),
          "holder",
          "a second startHandoff while one is pending",
        );
      }),
    },
    {
      name: "assignLease gives a lease to a worker or to nobody, fences the old holder and cancels a pending handoff",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s" });
        const a = await claim(store, "a");
        const c = await claim(store, "c");
        const held = await take(store, "s", "a", a);
        const leader = await lead(store, "l");
        succeeded(
          await store.startHandoff("s", { leader, expectedCounter: held.leaseCounter, to: "b" }),
          "startHandoff to b",
        );
        refusedWith(
          await store.assignLease("s", {
            leader: { worker: "x", token: leader.token },
            expectedCounter: held.leaseCounter,
            to: "c",
          }),
          "leader",
          "assignLease by a worker that is not the leader",
        );
        refusedWith(
          await store.assignLease("s", { leader, expectedCounter: held.leaseCounter + 1, to: "c" }),
          "counter",
          "assignLease with a counter the lease does not have",
        );
        const assigned = succeeded(
          await store.assignLease("s", { leader, expectedCounter: held.leaseCounter, to: "c" }),
          "the leader's assignLease to c",
        ).lease;
        check(
          assigned.leaseOwner === "c" &&
            assigned.checkpointOwner === undefined &&
            assigned.leaseCounter === held.leaseCounter + 1,
          `after assignLease to c (cancelling the handoff): ${show(assigned)}`,
        );
        refusedWith(
          await store.renewLease("s", { worker: "a", expectedCounter: held.leaseCounter }),
          "holder",
          "the old holder's renewal after assignLease",
        );
        const taken = succeeded(
          await store.takeLease("s", { worker: "c", incarnation: c, expectedCounter: assigned.leaseCounter }),
          "c's take of the lease assigned to it",
        ).lease;
        const evicted = succeeded(
          await store.assignLease("s", { leader, expectedCounter: taken.leaseCounter, to: undefined }),
          "assignLease to nobody (an eviction)",
        ).lease;
        check(
          evicted.leaseOwner === undefined && holderOf(evicted) === undefined,
          `after the eviction: ${show(evicted)}`,
        );
      }),
    },
    {
      name: "a release without a handoff leaves the lease unowned; released with SHARD_END it is finished",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "parent" });
        const a = await claim(store, "a");
        const held = await take(store, "parent", "a", a);
        const released = succeeded(
          await store.releaseLease("parent", {
            worker: "a",
            expectedCounter: held.leaseCounter,
            checkpoint: SHARD_END,
          }),
          "the release with SHARD_END",
        ).lease;
        check(
          released.leaseOwner === undefined &&
            released.checkpoint === SHARD_END &&
            released.leaseCounter === held.leaseCounter + 1,
          `after a release with SHARD_END: ${show(released)}`,
        );
        refusedWith(
          await store.releaseLease("parent", { worker: "a", expectedCounter: released.leaseCounter }),
          "holder",
          "a second release by the worker that released it",
        );
      }),
    },
    {
      name: "the fenced publish is all or nothing, and key-group pointers read back with their lease and epoch",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s1", keyGroups: [0, 1] });
        await store.createLease({ leaseKey: "s2", keyGroups: [2] });
        const a = await claim(store, "a");
        const s1 = await take(store, "s1", "a", a);
        const s2 = await take(store, "s2", "a", a);
        const partlyStale = await store.publish({
          worker: "a",
          leases: [
            { leaseKey: "s1", leaseCounter: s1.leaseCounter, checkpoint: "p1" },
            { leaseKey: "s2", leaseCounter: s2.leaseCounter - 1, checkpoint: "p2" },
          ],
          keyGroups: [{ keyGroup: 0, state: "x" }],
        });
        refusedWith(partlyStale, "counter", "a publish with one stale counter among two");
        check(
          (await store.readLease("s1"))?.checkpoint === undefined &&
            (await store.readKeyGroups([0])).size === 0,
          "a refused publish wrote the checkpoint of its good lease or a pointer",
        );
        const uncarried = await store.publish({
          worker: "a",
          leases: [{ leaseKey: "s1", leaseCounter: s1.leaseCounter, checkpoint: "p1" }],
          keyGroups: [{ keyGroup: 2, state: "y" }],
        });
        refusedWith(uncarried, "key-group", "a publish of key group 2, which s1 does not carry");
        const state = { chain: ["job/a/7/window/kg1"], nested: { empty: [], n: 1.5 } };
        succeeded(
          await store.publish({
            worker: "a",
            leases: [
              {
                leaseKey: "s1",
                leaseCounter: s1.leaseCounter,
                checkpoint: "p1",
                checkpointSubSequenceNumber: 2,
              },
              { leaseKey: "s2", leaseCounter: s2.leaseCounter },
            ],
            keyGroups: [
              { keyGroup: 1, state },
              { keyGroup: 2, state: null },
            ],
          }),
          "a publish of two held leases and two key groups",
        );
        const [after1, after2] = [await store.readLease("s1"), await store.readLease("s2")];
        check(
          after1?.checkpoint === "p1" &&
            after1.checkpointSubSequenceNumber === 2 &&
            after1.leaseCounter === s1.leaseCounter,
          `after the publish s1 reads ${show(after1)}`,
        );
        check(
          after2?.checkpoint === undefined,
          `a publish without a checkpoint for s2 changed it: ${show(after2)}`,
        );
        const pointers = await store.readKeyGroups([0, 1, 2]);
        const one = pointers.get(1);
        check(!pointers.has(0), "key group 0 was never published but has a pointer");
        check(
          one?.leaseKey === "s1" && one.epoch === s1.leaseCounter && sameJson(one.state, state),
          `key group 1's pointer reads ${JSON.stringify(one)}; expected lease s1, epoch ${s1.leaseCounter}, the state as published`,
        );
        check(
          pointers.get(2)?.state === null && pointers.get(2)?.leaseKey === "s2",
          "key group 2's null state did not read back",
        );
      }),
    },
    {
      name: "a publish fenced on the incarnation records the worker's committables; an older incarnation's publish is refused and records nothing",
      run: withStore(async (store) => {
        if (!store.readCommittables) return;
        await store.createLease({ leaseKey: "s1", keyGroups: [0] });
        const old = await claim(store, "a");
        const s1 = await take(store, "s1", "a", old);
        const first = { sinks: { out: ["part-a-1"] }, checkpointId: 1 };
        succeeded(
          await store.publish({
            worker: "a",
            incarnation: old,
            leases: [{ leaseKey: "s1", leaseCounter: s1.leaseCounter, checkpoint: "p1" }],
            committables: first,
          }),
          "a publish with committables by the current incarnation",
        );
        const recorded = (await store.readCommittables()).get("a");
        check(
          recorded?.worker === "a" && recorded.incarnation === old && sameJson(recorded.state, first),
          `the committables of "a" read back as ${JSON.stringify(recorded)}`,
        );
        // A restarted process claims the id; the old one, paused, still holds s1 with its counter.
        const current = await claim(store, "a");
        const stale = await store.publish({
          worker: "a",
          incarnation: old,
          leases: [{ leaseKey: "s1", leaseCounter: s1.leaseCounter, checkpoint: "p2" }],
          committables: { sinks: { out: ["part-a-2"] }, checkpointId: 2 },
        });
        refusedWith(stale, "worker", "a publish by a superseded incarnation");
        check(
          (await store.readLease("s1"))?.checkpoint === "p1" &&
            sameJson((await store.readCommittables()).get("a")?.state, first),
          "a refused publish changed the lease's checkpoint or the committables",
        );
        const retaken = await take(store, "s1", "a", current);
        succeeded(
          await store.publish({
            worker: "a",
            incarnation: current,
            leases: [{ leaseKey: "s1", leaseCounter: retaken.leaseCounter, checkpoint: "p3" }],
            committables: { sinks: {}, checkpointId: 1 },
          }),
          "a publish by the new incarnation",
        );
        check(
          (await store.readCommittables()).get("a")?.incarnation === current,
          "the new incarnation's publish did not replace the committables",
        );
      }),
    },
    {
      name: "the leader lock: acquired when free, taken over only with its counter and a greater token; a deposed leader is refused",
      run: withStore(async (store) => {
        const free = await store.readLeader();
        check(free.leader === undefined, `a new store's leader lock is held by ${free.leader}`);
        const first = succeeded(
          await store.acquireLeadership({ worker: "a", expectedCounter: free.leaseCounter }),
          "acquiring the free lock",
        ).lock;
        refusedWith(
          await store.acquireLeadership({ worker: "b", expectedCounter: free.leaseCounter }),
          "counter",
          "a second acquisition with the counter the lock had before",
        );
        const renewed = succeeded(
          await store.renewLeadership({
            worker: "a",
            token: first.token,
            expectedCounter: first.leaseCounter,
          }),
          "the leader's renewal",
        ).lock;
        check(
          renewed.leaseCounter === first.leaseCounter + 1 && renewed.token === first.token,
          "a renewal must move the counter, not the token",
        );
        refusedWith(
          await store.renewLeadership({
            worker: "b",
            token: first.token,
            expectedCounter: renewed.leaseCounter,
          }),
          "leader",
          "a renewal by a worker that does not lead",
        );
        // b watched the counter stand still for the failover time and takes over.
        const second = succeeded(
          await store.acquireLeadership({ worker: "b", expectedCounter: renewed.leaseCounter }),
          "b's takeover with the lock's current counter",
        ).lock;
        check(
          second.leader === "b" && second.token > first.token,
          `after b's takeover the lock reads ${JSON.stringify(second)}`,
        );
        refusedWith(
          await store.renewLeadership({
            worker: "a",
            token: first.token,
            expectedCounter: second.leaseCounter,
          }),
          "leader",
          "the deposed leader's renewal",
        );
        await store.createLease({ leaseKey: "s" });
        const deposed = { worker: "a", token: first.token };
        refusedWith(
          await store.assignLease("s", { leader: deposed, expectedCounter: 0, to: "a" }),
          "leader",
          "the deposed leader's assignLease",
        );
        succeeded(
          await store.assignLease("s", {
            leader: { worker: "b", token: second.token },
            expectedCounter: 0,
            to: "b",
          }),
          "the new leader's assignLease",
        );
        refusedWith(
          await store.resignLeadership({ worker: "a", token: first.token }),
          "leader",
          "the deposed leader's resignation",
        );
        const resigned = succeeded(
          await store.resignLeadership({ worker: "b", token: second.token }),
          "b's resignation",
        ).lock;
        check(resigned.leader === undefined, `after resigning the lock reads ${JSON.stringify(resigned)}`);
        const third = succeeded(
          await store.acquireLeadership({ worker: "a", expectedCounter: resigned.leaseCounter }),
          "acquiring the lock after a resignation",
        ).lock;
        check(
          third.token > second.token,
          `tokens must only grow: ${first.token}, ${second.token}, then ${third.token}`,
        );
      }),
    },
    {
      name: "worker records: a new claim of an id fences the previous incarnation's heartbeats and takes",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s" });
        const first = succeeded(
          await store.claimWorker({ worker: "w", expectedCounter: 0 }),
          "the first claim",
        ).worker;
        refusedWith(
          await store.claimWorker({ worker: "w", expectedCounter: 0 }),
          "counter",
          "a claim with a stale counter",
        );
        const beat = succeeded(
          await store.heartbeat({
            worker: "w",
            incarnation: first.incarnation,
            expectedCounter: first.counter,
          }),
          "a heartbeat",
        ).worker;
        check(
          beat.counter === first.counter + 1 && !beat.left,
          `after a heartbeat the record reads ${JSON.stringify(beat)}`,
        );
        const second = succeeded(
          await store.claimWorker({ worker: "w", expectedCounter: beat.counter }),
          "a restarted process's claim",
        ).worker;
        check(
          second.incarnation > first.incarnation,
          `incarnations must grow: ${first.incarnation} then ${second.incarnation}`,
        );
        refusedWith(
          await store.heartbeat({
            worker: "w",
            incarnation: first.incarnation,
            expectedCounter: second.counter,
          }),
          "worker",
          "the old incarnation's heartbeat",
        );
        refusedWith(
          await store.takeLease("s", { worker: "w", incarnation: first.incarnation, expectedCounter: 0 }),
          "worker",
          "the old incarnation's take",
        );
        succeeded(
          await store.takeLease("s", { worker: "w", incarnation: second.incarnation, expectedCounter: 0 }),
          "the new incarnation's take",
        );
        const left = succeeded(
          await store.leaveWorker({ worker: "w", incarnation: second.incarnation }),
          "leaving",
        ).worker;
        check(left.left, "a record that left does not say so");
        refusedWith(
          await store.heartbeat({
            worker: "w",
            incarnation: second.incarnation,
            expectedCounter: left.counter,
          }),
          "worker",
          "a heartbeat after leaving",
        );
        const listed = (await store.snapshot()).workers;
        check(
          listed.length === 1 && listed[0]?.workerId === "w" && listed[0].left,
          `snapshot lists workers ${JSON.stringify(listed)}`,
        );
      }),
    },
    {
      name: "the revision moves when ownership changes or workers join or leave, not with renewals, heartbeats, checkpoints or publishes",
      run: withStore(async (store) => {
        const revisions: number[] = [await store.revision()];
        const moved = async (what: string, expected: boolean) => {
          const now = await store.revision();
          const last = revisions[revisions.length - 1]!;
          check(
            expected ? now > last : now === last,
            `the revision went from ${last} to ${now} after ${what}`,
          );
          revisions.push(now);
        };
        await store.createLease({ leaseKey: "s", keyGroups: [0] });
        await moved("createLease", true);
        const a = await claim(store, "a");
        let lease = await take(store, "s", "a", a);
        await moved("a take", true);
        lease = succeeded(
          await store.renewLease("s", { worker: "a", expectedCounter: lease.leaseCounter }),
          "renewal",
        ).lease;
        await store.checkpointLease("s", {
          worker: "a",
          expectedCounter: lease.leaseCounter,
          checkpoint: "p",
        });
        await store.publish({
          worker: "a",
          leases: [{ leaseKey: "s", leaseCounter: lease.leaseCounter }],
          keyGroups: [{ keyGroup: 0, state: 1 }],
        });
        await moved("a renewal, a checkpoint and a publish", false);
        check(
          (await store.snapshot()).revision === revisions[revisions.length - 1],
          "snapshot's revision differs from revision()",
        );
        const leader = await lead(store, "a");
        await store.startHandoff("s", { leader, expectedCounter: lease.leaseCounter, to: "b" });
        await moved("startHandoff", true);
        await store.releaseLease("s", { worker: "a", expectedCounter: lease.leaseCounter });
        await moved("a release", true);
        await store.assignLease("s", { leader, expectedCounter: lease.leaseCounter + 1, to: "c" });
        await moved("assignLease", true);
        const claimed = succeeded(
          await store.claimWorker({ worker: "joiner", expectedCounter: 0 }),
          "a new worker's claim",
        );
        await moved("a worker's claim (it joined)", true);
        await store.heartbeat({
          worker: "joiner",
          incarnation: claimed.worker.incarnation,
          expectedCounter: claimed.worker.counter,
        });
        await moved("a heartbeat", false);
        await store.leaveWorker({ worker: "joiner", incarnation: claimed.worker.incarnation });
        await moved("a worker leaving", true);
      }),
    },
    {
      name: "counters() reads every lease's and worker's counter and the leader lock, as a snapshot does",
      run: withStore(async (store) => {
        const empty = await store.counters();
        check(empty.leases.size === 0 && empty.workers.size === 0, "a new store's counters are not empty");
        await store.createLease({ leaseKey: "s0" });
        await store.createLease({ leaseKey: "s1" });
        const a = await claim(store, "a");
        await claim(store, "b");
        const held = await take(store, "s0", "a", a);
        await store.renewLease("s0", { worker: "a", expectedCounter: held.leaseCounter });
        await store.heartbeat({ worker: "a", incarnation: a, expectedCounter: a });
        await lead(store, "b");
        const [counters, snapshot] = [await store.counters(), await store.snapshot()];
        const expected = {
          revision: snapshot.revision,
          leases: Object.fromEntries(snapshot.leases.map((l) => [l.leaseKey, l.leaseCounter])),
          workers: Object.fromEntries(snapshot.workers.map((w) => [w.workerId, w.counter])),
          leader: snapshot.leader,
        };
        const actual = {
          revision: counters.revision,
          leases: Object.fromEntries(counters.leases),
          workers: Object.fromEntries(counters.workers),
          leader: counters.leader,
        };
        check(
          sameJson(actual, expected) &&
            sameJson(actual.leases, { s0: 2, s1: 0 }) &&
            sameJson(actual.workers, { a: 2, b: 1 }),
          `counters() reads ${JSON.stringify(actual)}; the snapshot says ${JSON.stringify(expected)}`,
        );
      }),
    },
    {
      name: "on a virtual clock: a crashed holder's lease is reassigned after the failover time on the leader's clock, not before",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s0" });
        await store.createLease({ leaseKey: "s1" });
        const clock = new VirtualClock(0);
        const crashedClock = new PausableClock(clock);
        const leader = new LeaseCoordinator({
          store,
          workerId: "leader",
          clock,
          logger: silentLogger,
          ...TIMING,
        });
        const crashed = new LeaseCoordinator({
          store,
          workerId: "crashed",
          clock: crashedClock,
          logger: silentLogger,
          ...TIMING,
        });
        const events: { at: number; worker: string; event: LeaseEvent }[] = [];
        for (const c of [leader, crashed])
          c.events.subscribe((event) => events.push({ at: clock.now(), worker: c.workerId, event }));
        const all = () => [leader, crashed];
        await leader.start();
        await crashed.start();
        await advance({ clock, coordinators: all, to: 20_000, step: 250 });
        const victim = crashed.held()[0]?.lease.leaseKey;
        check(
          victim !== undefined && leader.held().length === 1,
          `after 20 s each worker should hold one lease; "crashed" holds ${crashed.held().length}`,
        );
        crashedClock.pause();
        const crashAt = clock.now();
        let lastMove = crashAt;
        let lastCounter = (await store.readLease(victim))!.leaseCounter;
        await advance({
          clock,
          coordinators: () => [leader],
          to: crashAt + 30_000,
          step: 250,
          afterStep: async (now) => {
            const lease = await store.readLease(victim);
            if (lease && lease.leaseCounter !== lastCounter && holderOf(lease) === "crashed") {
              lastCounter = lease.leaseCounter;
              lastMove = now;
            }
          },
        });
        const assigned = events.find(
          (e) => e.at > crashAt && e.event.type === "assigned" && e.event.leaseKey === victim,
        );
        check(assigned, `the crashed worker's lease ${victim} was never reassigned in 30 s`);
        check(
          assigned.at - lastMove >= TIMING.failoverTimeMs,
          `lease ${victim} was reassigned at ${assigned.at} ms, ${assigned.at - lastMove} ms after its counter last moved; the failover time is ${TIMING.failoverTimeMs} ms`,
        );
        const acquired = events.find(
          (e) =>
            e.at > crashAt &&
            e.event.type === "acquired" &&
            e.worker === "leader" &&
            e.event.lease.leaseKey === victim,
        );
        const bound = TIMING.failoverTimeMs + 3 * TIMING.pollIntervalMs;
        check(
          acquired && acquired.at - crashAt <= bound,
          `the surviving worker took ${victim} ${acquired ? acquired.at - crashAt : "never"} ms after the crash; it should within ${bound} ms`,
        );
        await leader.stop();
      }),
    },
    {
      name: "on a virtual clock: a paused worker's publish is refused once its lease was taken over, and it learns it lost the lease",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s0", keyGroups: [0] });
        const clock = new VirtualClock(0);
        const pausedClock = new PausableClock(clock);
        const zombie = new LeaseCoordinator({
          store,
          workerId: "zombie",
          clock: pausedClock,
          logger: silentLogger,
          ...TIMING,
        });
        await zombie.start();
        await advance({ clock, coordinators: () => [zombie], to: 10_000, step: 250 });
        check(
          zombie.held().length === 1,
          `alone, the worker should hold the lease after 10 s; it holds ${zombie.held().length}`,
        );
        const other = new LeaseCoordinator({
          store,
          workerId: "other",
          clock,
          logger: silentLogger,
          ...TIMING,
        });
        const lost: string[] = [];
        zombie.events.subscribe((event) => {
          if (event.type === "lost") lost.push(event.lease.leaseKey);
        });
        pausedClock.pause();
        await other.start();
        await advance({ clock, coordinators: () => [other], to: 40_000, step: 250 });
        check(
          other.held().length === 1,
          `the other worker should hold the paused worker's lease by now; it holds ${other.held().length}`,
        );
        // The zombie wakes up and publishes before any of its timers ran.
        const published = await zombie.publish({
          leases: [{ leaseKey: "s0", checkpoint: "zombie" }],
          keyGroups: [{ keyGroup: 0, state: "zombie" }],
        });
        refusedWith(published, "holder", "the woken zombie's publish");
        pausedClock.resume();
        await advance({ clock, coordinators: () => [zombie, other], to: 45_000, step: 250 });
        check(lost.includes("s0"), "the woken zombie was never told it lost its lease");
        check(
          (await store.readLease("s0"))?.checkpoint !== "zombie",
          "the zombie's checkpoint reached the store",
        );
        await other.stop();
        await zombie.stop();
      }),
    },
    {
      name: "on a virtual clock: a worker restarted with the same id takes its leases back and fences the old process",
      run: withStore(async (store) => {
        await store.createLease({ leaseKey: "s0" });
        const clock = new VirtualClock(0);
        const oldClock = new PausableClock(clock);
        const old = new LeaseCoordinator({
          store,
          workerId: "w",
          clock: oldClock,
          logger: silentLogger,
          ...TIMING,
        });
        await old.start();
        await advance({ clock, coordinators: () => [old], to: 10_000, step: 250 });
        const before = old.held()[0];
        check(before, "alone, the worker should hold the lease after 10 s");
        oldClock.pause();
        const restarted = new LeaseCoordinator({
          store,
          workerId: "w",
          clock,
          logger: silentLogger,
          ...TIMING,
        });
        const acquiredAt: number[] = [];
        restarted.events.subscribe((event) => {
          if (event.type === "acquired") acquiredAt.push(clock.now());
        });
        await restarted.start();
        const after = restarted.held()[0];
        check(
          after && acquiredAt[0] === clock.now() && after.epoch > before.lease.leaseCounter,
          `the restarted worker should take its lease back at start, moving the counter past ${before.lease.leaseCounter}; it holds ${JSON.stringify(after)}`,
        );
        const published = await old.publish({ leases: [{ leaseKey: "s0", checkpoint: "old" }] });
        refusedWith(published, "counter", "the old process's publish after the restart");
        const events: LeaseEvent[] = [];
        old.events.subscribe((event) => events.push(event));
        oldClock.resume();
        await advance({ clock, coordinators: () => [old, restarted], to: 20_000, step: 250 });
        check(
          events.some((e) => e.type === "superseded"),
          "the old process was never told it is superseded",
        );
        check(restarted.held().length === 1, "the restarted worker lost its lease to the old process");
        await restarted.stop();
      }),
    },
  ];
}
