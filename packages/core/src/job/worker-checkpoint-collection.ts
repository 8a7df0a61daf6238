import type { BlobRef, CheckpointManifest, CheckpointStore } from "../checkpoint/checkpoint-store.ts";
import type { CheckpointStoreAdmin } from "../checkpoint/checkpoint-store-admin.ts";
import { blobRefsOf } from "../checkpoint/retention.ts";
import type { SharedBlobStore } from "../checkpoint/shared-blob-store.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";
import { sinkStatesOf } from "./published-committables.ts";
import { publishedStateOf } from "./published-state.ts";

/**
 * What {@link collectWorkerCheckpoints} works on.
 *
 * @example
 * const collection: WorkerCheckpointCollection = {
 *   job: "fx", workerId: "worker-a", incarnation: 3, retain: 2, keyGroups: 128,
 *   store: new MemoryCheckpointStore(), leases: new MemoryLeaseStore(),
 * };
 */
export interface WorkerCheckpointCollection {
  /** The job's name: a worker's checkpoints are stored as `<job>@<worker id>#<incarnation>`. */
  readonly job: string;
  /** The worker whose checkpoints are dropped (only its own: the others drop theirs). */
  readonly workerId: string;
  /** This process's incarnation: older incarnations' checkpoints are all dropped. */
  readonly incarnation: number;
  /** Checkpoints of this process kept, newest first (savepoints are always kept). */
  readonly retain: number;
  /** The job's key groups: every one's published pointer is a root. */
  readonly keyGroups: number;
  /** The job's checkpoint store, shared by every worker. */
  readonly store: CheckpointStore & CheckpointStoreAdmin & SharedBlobStore;
  /** The job's lease store: its key-group pointers and committables are roots. */
  readonly leases: LeaseStore;
}

/**
 * What one {@link collectWorkerCheckpoints} dropped.
 *
 * @example
 * const { checkpoints, blobs }: CollectedCheckpoints = await collectWorkerCheckpoints(collection);
 * declare const collection: WorkerCheckpointCollection;
 */
export interface CollectedCheckpoints {
  /** Checkpoints (manifests) of this worker dropped. */
  readonly checkpoints: number;
  /** Blobs deleted: those only the dropped checkpoints referenced, which nothing else reaches. */
  readonly blobs: number;
}

/**
 * Per-worker retention of a job on several workers: drops this worker's checkpoints beyond the
 * newest `retain` of its process (and every checkpoint of its earlier processes), then deletes
 * the blobs only they referenced that **nothing else reaches**: no published key-group pointer
 * (another worker's chain may extend this worker's blobs), no worker's published committables, no
 * key-group pointer or committables of a savepoint of the whole job, no retained checkpoint or
 * savepoint of any worker of the job.
 *
 * Safe while every worker runs and collects: a new reference to a blob is only ever made from a
 * chain that already reaches it (a worker extends the chain it restored or stored last, and
 * publishes only what it stored), so a blob unreachable once this worker's checkpoints are
 * dropped stays unreachable; blobs of checkpoints in flight are in no dropped checkpoint, so they
 * are never candidates. A zombie whose base this deletes fails its next checkpoint, which could
 * not have counted anyway. Resolves with how many checkpoints and blobs went.
 *
 * @example
 * const collected = await collectWorkerCheckpoints({ job: "fx", workerId: "worker-a", incarnation: 3, retain: 2, keyGroups: 128, store, leases });
 * console.log(`dropped ${collected.checkpoints} checkpoints, ${collected.blobs} blobs`);
 * declare const store: MemoryCheckpointStore;
 * declare const leases: LeaseStore;
 */
export async function collectWorkerCheckpoints(
  collection: WorkerCheckpointCollection,
): Promise<CollectedCheckpoints> {
  const { job, workerId, incarnation, retain, store } = collection;
  const streams = await streamsOf(store, job);
  const candidates = new Map<string, BlobRef>();
  let dropped = 0;
  for (const stream of streams) {
    const of = incarnationOf(stream, job, workerId);
    if (of === undefined || of > incarnation) continue;
    const checkpoints = (await store.checkpoints(stream)).filter((m) => m.kind === "checkpoint");
    const drop = of < incarnation ? checkpoints : checkpoints.slice(retain);
    if (drop.length === 0) continue;
    for (const manifest of drop) for (const ref of blobRefsOf(manifest)) candidates.set(ref.key, ref);
    await store.forgetCheckpoints(
      stream,
      drop.map((m) => m.checkpointId),
    );
    dropped += drop.length;
  }
  if (candidates.size === 0) return { checkpoints: dropped, blobs: 0 };
  // Read after the drops: what is still reachable from every root of the job.
  for (const key of await reachable(collection, await streamsOf(store, job))) candidates.delete(key);
  await store.deleteBlobs([...candidates.values()]);
  return { checkpoints: dropped, blobs: candidates.size };
}

/** The checkpoint streams of every worker of `job`. */
async function streamsOf(store: CheckpointStoreAdmin, job: string): Promise<string[]> {
  return (await store.jobs()).filter((stream) => stream.startsWith(`${job}@`));
}

/** The incarnation of `stream` when it is one of `workerId`'s, else `undefined`. */
function incarnationOf(stream: string, job: string, workerId: string): number | undefined {
  const prefix = `${job}@${workerId}#`;
  if (!stream.startsWith(prefix)) return undefined;
  const rest = stream.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

/** Every blob key a published pointer, published committables, or kept checkpoint reaches. */
async function reachable(
  collection: WorkerCheckpointCollection,
  streams: readonly string[],
): Promise<Set<string>> {
  const { store, leases, keyGroups } = collection;
  const keys = new Set<string>();
  const add = (refs: Iterable<BlobRef>) => {
    for (const ref of refs) keys.add(ref.key);
  };
  const groups = Array.from({ length: keyGroups }, (_, group) => group);
  for (const [group, pointer] of await leases.readKeyGroups(groups)) {
    for (const chain of Object.values(publishedStateOf(group, pointer.state).operators)) add(chain);
  }
  for (const { worker, state } of (await leases.readCommittables?.())?.values() ?? []) {
    add(Object.values(sinkStatesOf(worker, state).sinks));
  }
  // Savepoints of the whole job may name pointers and committables no worker publishes any more.
  for (const name of (await leases.jobSavepointNames?.()) ?? []) {
    const savepoint = await leases.readJobSavepoint?.(name);
    for (const [group, { state }] of savepoint?.keyGroups ?? []) {
      for (const chain of Object.values(publishedStateOf(group, state).operators)) add(chain);
    }
    for (const [worker, { state }] of savepoint?.committables ?? []) {
      add(Object.values(sinkStatesOf(worker, state).sinks));
    }
  }
  const kept: CheckpointManifest[] = [];
  for (const stream of streams)
    kept.push(...(await store.checkpoints(stream)), ...(await store.savepoints(stream)));
  for (const manifest of kept) add(blobRefsOf(manifest));
  return keys;
}
