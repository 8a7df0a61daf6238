import type { SavepointStore, SavepointWrite } from "../cluster/job-savepoint.ts";
import { SHARD_END } from "../cluster/lease.ts";
import type { LeaderFence, LeaseRefusal, LeaseStore, PublishResult } from "../cluster/lease-store.ts";
import type { ContractCase } from "./contract-case.ts";
import { check, sameJson } from "./contract-checks.ts";

/** The helpers of `leaseStoreContract` these cases use. */
export interface SavepointContractContext {
  readonly withStore: (body: (store: LeaseStore) => Promise<void>) => () => Promise<void>;
  readonly claim: (store: LeaseStore, worker: string) => Promise<number>;
  readonly take: (
    store: LeaseStore,
    leaseKey: string,
    worker: string,
    incarnation: number,
  ) => Promise<{ leaseCounter: number }>;
  readonly lead: (store: LeaseStore, worker: string) => Promise<LeaderFence>;
}

type Savepoints = LeaseStore & Required<SavepointStore>;

function supportsSavepoints(store: LeaseStore): store is Savepoints {
  return (
    store.requestSavepoint !== undefined &&
    store.readSavepointRequest !== undefined &&
    store.completeSavepoint !== undefined &&
    store.failSavepoint !== undefined &&
    store.readJobSavepoint !== undefined &&
    store.jobSavepointNames !== undefined &&
    store.restoreSavepoint !== undefined
  );
}

function ok<T extends SavepointWrite | PublishResult>(write: T, what: string): Extract<T, { ok: true }> {
  check(
    write.ok,
    () => `${what} was refused (${write.ok ? "" : `${write.code}: ${write.message}`}); it should succeed`,
  );
  return write as Extract<T, { ok: true }>;
}

function refused(write: { ok: boolean; code?: LeaseRefusal }, code: LeaseRefusal, what: string): void {
  check(!write.ok, `${what} succeeded; it should be refused (${code})`);
  check(write.code === code, `${what} was refused with "${write.code}"; expected "${code}"`);
}

/**
 * The cases of the savepoint operations ({@link SavepointStore}) in `leaseStoreContract`; a store
 * without them passes them (a job on it cannot take savepoints of the whole job, and says so).
 */
export function savepointStoreCases(context: SavepointContractContext): ContractCase[] {
  const { withStore, claim, take, lead } = context;
  /** Two workers holding s1 (key groups 0, 1) and s2 (2), s3 finished, "a" leading. */
  const running = async (store: Savepoints) => {
    await store.createLease({ leaseKey: "s1", keyGroups: [0, 1] });
    await store.createLease({ leaseKey: "s2", keyGroups: [2] });
    await store.createLease({ leaseKey: "s3", keyGroups: [] });
    const a = await claim(store, "a");
    const b = await claim(store, "b");
    const s1 = await take(store, "s1", "a", a);
    const s2 = await take(store, "s2", "b", b);
    const s3 = await take(store, "s3", "a", a);
    await store.releaseLease("s3", { worker: "a", expectedCounter: s3.leaseCounter, checkpoint: SHARD_END });
    return { a, b, s1: s1.leaseCounter, s2: s2.leaseCounter, fence: await lead(store, "a") };
  };
  return [
    {
      name: "a savepoint of the whole job: one request at a time, staged by tagged publishes only, completed by the leader once every unfinished lease is staged",
      run: withStore(async (store) => {
        if (!supportsSavepoints(store)) return;
        const { a, b, s1, s2, fence } = await running(store);
        const before = await store.revision();
        const asked = ok(await store.requestSavepoint({ name: "sp", stop: true }), "the first request");
        check(
          asked.request.state === "pending" && asked.request.stop && asked.request.staged.length === 0,
          `the request reads ${JSON.stringify(asked.request)}`,
        );
        check((await store.revision()) > before, "a request did not move the revision");
        refused(
          await store.requestSavepoint({ name: "other", stop: false }),
          "exists",
          "a second request while one is pending",
        );
        const id = asked.request.id;
        ok(
          await store.publish({
            worker: "a",
            incarnation: a,
            leases: [{ leaseKey: "s1", leaseCounter: s1, checkpoint: "p1", checkpointSubSequenceNumber: 4 }],
            keyGroups: [
              { keyGroup: 0, state: { at: 1 } },
              { keyGroup: 1, state: { at: 1, big: 1.25e-7 } },
            ],
            committables: { of: "a", at: 1 },
            savepoint: id,
          }),
          "a's publish tagged with the request",
        );
        check(
          sameJson((await store.readSavepointRequest())?.staged, ["s1"]),
          `after a's tagged publish the request stages ${JSON.stringify((await store.readSavepointRequest())?.staged)}`,
        );
        const early = await store.completeSavepoint({ leader: fence, id });
        refused(early, "savepoint", "completing while s2 is not staged");
        check(
          !early.ok && early.message.includes("s2"),
          "the refusal does not name s2, the lease not staged",
        );
        ok(
          await store.publish({
            worker: "b",
            leases: [{ leaseKey: "s2", leaseCounter: s2, checkpoint: "q0" }],
            savepoint: id + 7,
          }),
          "b's publish tagged with another request",
        );
        ok(
          await store.publish({
            worker: "b",
            incarnation: b,
            leases: [{ leaseKey: "s2", leaseCounter: s2, checkpoint: "q1" }],
            keyGroups: [{ keyGroup: 2, state: "b-state" }],
            committables: { of: "b" },
          }),
          "b's untagged publish",
        );
        check(
          sameJson((await store.readSavepointRequest())?.staged, ["s1"]),
          "a publish not tagged with the pending request staged its lease",
        );
        ok(
          await store.publish({
            worker: "b",
            incarnation: b,
            leases: [{ leaseKey: "s2", leaseCounter: s2, checkpoint: "q2" }],
            keyGroups: [{ keyGroup: 2, state: "b-savepoint" }],
            committables: { of: "b", at: 2 },
            savepoint: id,
          }),
          "b's tagged publish",
        );
        // After its savepoint, a's checkpoints go on; the savepoint keeps what a staged.
        ok(
          await store.publish({
            worker: "a",
            incarnation: a,
            leases: [{ leaseKey: "s1", leaseCounter: s1, checkpoint: "p2" }],
            keyGroups: [
              { keyGroup: 0, state: { at: 2 } },
              { keyGroup: 1, state: { at: 2 } },
            ],
            committables: { of: "a", at: 2 },
          }),
          "a's later, untagged publish",
        );
        refused(
          await store.completeSavepoint({ leader: { worker: "b", token: fence.token + 1 }, id }),
          "leader",
          "a completion without the leader's token",
        );
        refused(
          await store.completeSavepoint({ leader: fence, id: id + 1 }),
          "counter",
          "a completion of another request",
        );
        const revision = await store.revision();
        const done = ok(await store.completeSavepoint({ leader: fence, id }), "the leader's completion");
        check(
          done.request.state === "completed",
          `the completed request reads ${JSON.stringify(done.request)}`,
        );
        check((await store.revision()) > revision, "a completion did not move the revision");
        check(
          (await store.snapshot()).savepoint?.state === "completed",
          "a snapshot does not show the request completed",
        );
        check(
          sameJson(await store.jobSavepointNames(), ["sp"]),
          "jobSavepointNames does not list the savepoint",
        );
        const savepoint = await store.readJobSavepoint("sp");
        check(
          savepoint?.name === "sp" && savepoint.id === id,
          `the savepoint reads ${JSON.stringify(savepoint)}`,
        );
        check(
          sameJson(savepoint.leases, [
            {
              leaseKey: "s1",
              checkpoint: "p1",
              checkpointSubSequenceNumber: 4,
              parentShardIds: [],
              keyGroups: [0, 1],
            },
            { leaseKey: "s2", checkpoint: "q2", parentShardIds: [], keyGroups: [2] },
            { leaseKey: "s3", checkpoint: SHARD_END, parentShardIds: [], keyGroups: [] },
          ]),
          `the savepoint's leases read ${JSON.stringify(savepoint.leases)}: expected the staged positions and s3 finished`,
        );
        check(
          sameJson(
            [...savepoint.keyGroups],
            [
              [0, { leaseKey: "s1", state: { at: 1 } }],
              [1, { leaseKey: "s1", state: { at: 1, big: 1.25e-7 } }],
              [2, { leaseKey: "s2", state: "b-savepoint" }],
            ],
          ),
          `the savepoint's key groups read ${JSON.stringify([...savepoint.keyGroups])}: expected the staged pointers`,
        );
        check(
          sameJson(
            [...savepoint.committables],
            [
              ["a", { incarnation: a, state: { of: "a", at: 1 } }],
              ["b", { incarnation: b, state: { of: "b", at: 2 } }],
            ],
          ),
          `the savepoint's committables read ${JSON.stringify([...savepoint.committables])}`,
        );
        const next = ok(
          await store.requestSavepoint({ name: "sp2", stop: false }),
          "a request after the completion",
        );
        check(
          next.request.id > id && next.request.staged.length === 0,
          "a new request kept the last one's id or staging",
        );
        const failed = ok(
          await store.failSavepoint({ leader: fence, id: next.request.id, message: "timed out" }),
          "the leader's failure",
        );
        check(
          failed.request.state === "failed" && failed.request.message === "timed out",
          `the failed request reads ${JSON.stringify(failed.request)}`,
        );
        check((await store.readJobSavepoint("sp2")) === undefined, "a failed request wrote a savepoint");
      }),
    },
    {
      name: "restoreSavepoint resets the lease table from a savepoint once, fenced on the revision",
      run: withStore(async (store) => {
        if (!supportsSavepoints(store)) return;
        const { a, b, s1, s2, fence } = await running(store);
        const { request } = ok(await store.requestSavepoint({ name: "sp", stop: true }), "the request");
        for (const [worker, incarnation, leaseKey, counter, group] of [
          ["a", a, "s1", s1, 1],
          ["b", b, "s2", s2, 2],
        ] as const) {
          ok(
            await store.publish({
              worker,
              incarnation,
              leases: [{ leaseKey, leaseCounter: counter, checkpoint: `${leaseKey}@sp` }],
              keyGroups: [{ keyGroup: group, state: { group, at: "sp" } }],
              committables: { of: worker },
              savepoint: request.id,
            }),
            `${worker}'s tagged publish`,
          );
        }
        ok(await store.completeSavepoint({ leader: fence, id: request.id }), "the completion");
        // The job goes on: later positions, a new lease.
        ok(
          await store.publish({
            worker: "a",
            incarnation: a,
            leases: [{ leaseKey: "s1", leaseCounter: s1, checkpoint: "s1@later" }],
            keyGroups: [{ keyGroup: 1, state: "later" }],
            committables: { of: "a", later: true },
          }),
          "a later publish",
        );
        await store.createLease({ leaseKey: "s4", keyGroups: [3] });
        refused(
          await store.restoreSavepoint({ name: "nope", expectedRevision: await store.revision() }),
          "missing",
          "restoring a savepoint that does not exist",
        );
        const revision = await store.revision();
        refused(
          await store.restoreSavepoint({ name: "sp", expectedRevision: revision - 1 }),
          "counter",
          "a restore with a stale revision",
        );
        check((await store.readLease("s1"))?.checkpoint === "s1@later", "a refused restore changed a lease");
        const restored = ok(
          await store.restoreSavepoint({ name: "sp", expectedRevision: revision }),
          "the restore",
        );
        check(
          restored.outcome === "restored" && restored.savepoint.name === "sp",
          `the restore answered ${JSON.stringify(restored)}`,
        );
        check((await store.revision()) > revision, "a restore did not move the revision");
        const { leases } = await store.snapshot();
        check(
          sameJson(
            leases.map((l) => [l.leaseKey, l.leaseOwner ?? null, l.checkpoint ?? null]),
            [
              ["s1", null, "s1@sp"],
              ["s2", null, "s2@sp"],
              ["s3", null, SHARD_END],
            ],
          ),
          `after the restore the leases read ${JSON.stringify(leases)}`,
        );
        const restoredS1 = leases.find((l) => l.leaseKey === "s1")!;
        check(
          restoredS1.leaseCounter > s1,
          "the restore moved a lease's counter back or left it: an old holder is not fenced",
        );
        refused(
          await store.renewLease("s1", { worker: "a", expectedCounter: s1 }),
          "holder",
          "the old holder's renewal after the restore",
        );
        const pointers = await store.readKeyGroups([0, 1, 2, 3]);
        check(
          sameJson(pointers.get(1)?.state, { group: 1, at: "sp" }) &&
            pointers.get(1)?.epoch === restoredS1.leaseCounter &&
            sameJson(pointers.get(2)?.state, { group: 2, at: "sp" }) &&
            !pointers.has(0) &&
            !pointers.has(3),
          `after the restore the key groups read ${JSON.stringify([...pointers])}`,
        );
        if (store.readCommittables) {
          const committed = await store.readCommittables();
          check(
            sameJson(committed.get("a")?.state, { of: "a" }) &&
              sameJson(committed.get("b")?.state, { of: "b" }),
            `after the restore the committables read ${JSON.stringify([...committed])}`,
          );
        }
        const again = ok(
          await store.restoreSavepoint({ name: "sp", expectedRevision: 0 }),
          "a second restore",
        );
        check(
          again.outcome === "already",
          `a second restore answered ${again.outcome}; the table was restored already`,
        );
        check(
          (await store.readLease("s1"))?.leaseCounter === restoredS1.leaseCounter,
          "a second restore reset the table again",
        );
      }),
    },
  ];
}
