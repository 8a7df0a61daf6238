import { describe, expect, test } from "vitest";
import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type KeyGroupBlobRef,
} from "../checkpoint/checkpoint-store.ts";
import { checksumOf } from "../checkpoint/checksum.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { blobRefsOf } from "../checkpoint/retention.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import type { TimeWindow, WindowResult } from "../windows/window.ts";
import { sinkStatesOf } from "./published-committables.ts";
import { publishedStateOf } from "./published-state.ts";
import { FAST, tickCounts } from "./test-support/tick-counts.ts";
import { collectWorkerCheckpoints } from "./worker-checkpoint-collection.ts";

const JOB = "collect";

/** Stores checkpoint `id` of `stream` whose operator "op" has, for key group 0, `chain` (new blobs are written). */
async function store(
  checkpoints: MemoryCheckpointStore,
  stream: string,
  id: number,
  chain: { key: string; mode: "full" | "delta"; fresh: boolean }[],
): Promise<KeyGroupBlobRef[]> {
  const blobs = new Map<string, Uint8Array>();
  const refs = chain.map(({ key, mode, fresh }) => {
    const bytes = new TextEncoder().encode(key);
    if (fresh) blobs.set(key, bytes);
    return { key, mode, checksum: checksumOf(bytes), size: bytes.length };
  });
  const manifest: CheckpointManifest = {
    version: CHECKPOINT_FORMAT_VERSION,
    job: stream,
    checkpointId: id,
    kind: "checkpoint",
    completedAt: id,
    keyGroups: 1,
    sources: {},
    operators: refs.length > 0 ? { op: { keyGroups: { 0: refs } } } : {},
    sinks: {},
  };
  await checkpoints.commit({ manifest, blobs }, Number.MAX_SAFE_INTEGER);
  return refs;
}

const readable = (checkpoints: MemoryCheckpointStore, ref: BlobRef) =>
  checkpoints.readBlob(ref).then(
    () => true,
    () => false,
  );

describe("per-worker checkpoint retention on several workers", () => {
  test("a worker never deletes its blob while another worker's published chain reaches it; once nothing does, it goes", async () => {
    const leases = new MemoryLeaseStore();
    const checkpoints = new MemoryCheckpointStore();
    await leases.createLease({ leaseKey: "s1", keyGroups: [0] });
    // Worker a reads s1, stores a full blob of key group 0 and publishes it.
    const a = (await leases.claimWorker({ worker: "a", expectedCounter: 0 })).ok ? 1 : 0;
    const takenByA = await leases.takeLease("s1", { worker: "a", incarnation: a, expectedCounter: 0 });
    if (!takenByA.ok) throw new Error(takenByA.message);
    const [a1] = await store(checkpoints, `${JOB}@a#1`, 1, [{ key: "a/1/kg0", mode: "full", fresh: true }]);
    const publishedByA = await leases.publish({
      worker: "a",
      leases: [{ leaseKey: "s1", leaseCounter: takenByA.lease.leaseCounter }],
      keyGroups: [{ keyGroup: 0, state: { checkpointId: 1, operators: { op: [a1] } } }],
    });
    expect(publishedByA.ok).toBe(true);
    const released = await leases.releaseLease("s1", {
      worker: "a",
      expectedCounter: takenByA.lease.leaseCounter,
    });
    expect(released.ok).toBe(true);
    // Worker b takes s1 over and extends a's chain with a delta; a goes on without key group 0.
    const b = await leases.claimWorker({ worker: "b", expectedCounter: 0 });
    if (!b.ok) throw new Error(b.message);
    const takenByB = await leases.takeLease("s1", {
      worker: "b",
      incarnation: b.worker.incarnation,
      expectedCounter: released.ok ? released.lease.leaseCounter : 0,
    });
    if (!takenByB.ok) throw new Error(takenByB.message);
    const chainOfB = await store(checkpoints, `${JOB}@b#1`, 1, [
      { key: "a/1/kg0", mode: "full", fresh: false },
      { key: "b/1/kg0", mode: "delta", fresh: true },
    ]);
    const publish = (chain: KeyGroupBlobRef[], id: number) =>
      leases.publish({
        worker: "b",
        leases: [{ leaseKey: "s1", leaseCounter: takenByB.lease.leaseCounter }],
        keyGroups: [{ keyGroup: 0, state: { checkpointId: id, operators: { op: chain } } }],
      });
    expect((await publish(chainOfB, 1)).ok).toBe(true);
    await store(checkpoints, `${JOB}@a#1`, 2, []);
    await store(checkpoints, `${JOB}@a#1`, 3, []);

    const collect = (workerId: string) =>
      collectWorkerCheckpoints({
        job: JOB,
        workerId,
        incarnation: 1,
        retain: 1,
        keyGroups: 1,
        store: checkpoints,
        leases,
      });
    expect(await collect("a")).toEqual({ checkpoints: 2, blobs: 0 });
    expect((await checkpoints.checkpoints(`${JOB}@a#1`)).map((m) => m.checkpointId)).toEqual([3]);
    expect(await readable(checkpoints, a1!)).toBe(true);

    // b publishes a full snapshot: nothing reaches a's blob any more once b drops its old checkpoint.
    const [b2] = await store(checkpoints, `${JOB}@b#1`, 2, [{ key: "b/2/kg0", mode: "full", fresh: true }]);
    expect((await publish([b2!], 2)).ok).toBe(true);
    expect(await collect("b")).toEqual({ checkpoints: 1, blobs: 2 });
    expect(await readable(checkpoints, a1!)).toBe(false);
    expect(await readable(checkpoints, chainOfB[1]!)).toBe(false);
    expect(await readable(checkpoints, b2!)).toBe(true);
    expect(checkpoints.blobCount).toBe(1);
  });

  test("a blob that only a savepoint of the whole job reaches is kept", async () => {
    const leases = new MemoryLeaseStore();
    const checkpoints = new MemoryCheckpointStore();
    await leases.createLease({ leaseKey: "s1", keyGroups: [0] });
    const claimed = await leases.claimWorker({ worker: "a", expectedCounter: 0 });
    if (!claimed.ok) throw new Error(claimed.message);
    const taken = await leases.takeLease("s1", { worker: "a", incarnation: 1, expectedCounter: 0 });
    if (!taken.ok) throw new Error(taken.message);
    const fence = await leases.acquireLeadership({ worker: "a", expectedCounter: 0 });
    if (!fence.ok) throw new Error(fence.message);
    const publish = (chain: KeyGroupBlobRef[], id: number, savepoint?: number) =>
      leases.publish({
        worker: "a",
        leases: [{ leaseKey: "s1", leaseCounter: taken.lease.leaseCounter, checkpoint: `p${id}` }],
        keyGroups: [{ keyGroup: 0, state: { checkpointId: id, operators: { op: chain } } }],
        ...(savepoint === undefined ? {} : { savepoint }),
      });
    // Checkpoint 1 is staged for a savepoint of the whole job (as an ordinary checkpoint here, so
    // nothing but the job's savepoint keeps it), then superseded by full checkpoints 2 and 3.
    const requested = await leases.requestSavepoint({ name: "sp", stop: false });
    if (!requested.ok) throw new Error(requested.message);
    const [kept] = await store(checkpoints, `${JOB}@a#1`, 1, [{ key: "a/1/kg0", mode: "full", fresh: true }]);
    expect((await publish([kept!], 1, requested.request.id)).ok).toBe(true);
    const done = await leases.completeSavepoint({
      leader: { worker: "a", token: fence.lock.token },
      id: requested.request.id,
    });
    expect(done.ok).toBe(true);
    for (const id of [2, 3]) {
      const [full] = await store(checkpoints, `${JOB}@a#1`, id, [
        { key: `a/${id}/kg0`, mode: "full", fresh: true },
      ]);
      expect((await publish([full!], id)).ok).toBe(true);
    }
    const collected = await collectWorkerCheckpoints({
      job: JOB,
      workerId: "a",
      incarnation: 1,
      retain: 1,
      keyGroups: 1,
      store: checkpoints,
      leases,
    });
    // Checkpoints 1 and 2 go; of their blobs only checkpoint 2's is deleted.
    expect(collected).toEqual({ checkpoints: 2, blobs: 1 });
    expect(await readable(checkpoints, kept!)).toBe(true);
  });

  test("two workers that hand splits back and forth and drop old checkpoints as they go keep every blob a published pointer or record reaches, and no other", async () => {
    const leases = new MemoryLeaseStore();
    const checkpoints = new MemoryCheckpointStore();
    const results = new Map<string, number>();
    const expected = new Map<string, number>();
    const single = tickCounts("collect-single", { store: new MemoryCheckpointStore() });
    single.counts.sink({ name: "results", write: (rows) => void record(expected, rows) });
    await single.job.run();
    const workers = ["worker-a", "worker-b"].map((workerId) => {
      const { job, counts } = tickCounts(JOB, {
        store: checkpoints,
        ratePerSecond: 15_000,
        cluster: { leases, workerId, ...FAST },
        retain: 2,
      });
      counts.sink({ name: "results", write: (rows) => void record(results, rows) });
      return job;
    });
    const outcomes = await Promise.all(workers.map((job) => job.run()));
    expect(outcomes.map((o) => o.outcome)).toEqual(["finished", "finished"]);
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));

    for (const workerId of ["worker-a", "worker-b"]) {
      await collectWorkerCheckpoints({
        job: JOB,
        workerId,
        incarnation: 1,
        retain: 2,
        keyGroups: 128,
        store: checkpoints,
        leases,
      });
    }
    const streams = (await checkpoints.jobs()).filter((stream) => stream.startsWith(`${JOB}@`));
    expect(streams.sort()).toEqual([`${JOB}@worker-a#1`, `${JOB}@worker-b#1`]);
    for (const stream of streams)
      expect((await checkpoints.checkpoints(stream)).length).toBeLessThanOrEqual(2);
    const roots = await rootsOf(leases, checkpoints, streams);
    for (const ref of roots.values()) expect(await readable(checkpoints, ref), ref.key).toBe(true);
    expect(checkpoints.blobCount).toBe(roots.size);
  });
});

function record(into: Map<string, number>, rows: WindowResult<string, TimeWindow, number>[]): void {
  for (const r of rows) into.set(`${r.key}|${r.window.start}`, r.value);
}

/** Every blob the published pointers, the committables and the kept checkpoints reference. */
async function rootsOf(
  leases: MemoryLeaseStore,
  checkpoints: MemoryCheckpointStore,
  streams: readonly string[],
): Promise<Map<string, BlobRef>> {
  const roots = new Map<string, BlobRef>();
  const add = (refs: Iterable<BlobRef>) => {
    for (const ref of refs) roots.set(ref.key, ref);
  };
  const pointers = await leases.readKeyGroups(Array.from({ length: 128 }, (_, g) => g));
  expect(pointers.size).toBe(128);
  for (const [group, pointer] of pointers) {
    for (const chain of Object.values(publishedStateOf(group, pointer.state).operators)) add(chain);
  }
  for (const { worker, state } of (await leases.readCommittables()).values()) {
    add(Object.values(sinkStatesOf(worker, state).sinks));
  }
  for (const stream of streams) for (const m of await checkpoints.checkpoints(stream)) add(blobRefsOf(m));
  return roots;
}
