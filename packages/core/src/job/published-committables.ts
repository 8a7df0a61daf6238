import type { BlobRef, CheckpointManifest, CheckpointStore } from "../checkpoint/checkpoint-store.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";
import type { Serde } from "../state/serde.ts";

/**
 * What a worker's publish records for its sinks (`PublishRequest.committables`): the checkpoint,
 * and per sink the blob of its pre-commit state in the checkpoint store — the staged output that
 * becomes visible once the checkpoint counts, which is what the publish decides.
 */
export interface PublishedSinkStates {
  readonly checkpointId: number;
  readonly sinks: Readonly<Record<string, BlobRef>>;
}

/** The committables a publish of `manifest` records. */
export function committablesOf(manifest: CheckpointManifest): PublishedSinkStates {
  return { checkpointId: manifest.checkpointId, sinks: manifest.sinks };
}

/** What a run of a worker finds in the lease store about its sinks' staged output. */
export interface SinkCommittables {
  /** The sinks' states of this worker's own last published checkpoint (restored into its sinks). */
  readonly own: Readonly<Record<string, BlobRef>> | undefined;
  /** Per sink id, the states other workers' last publishes left (deserialized), to commit again. */
  readonly others: ReadonlyMap<string, readonly unknown[]>;
}

/**
 * Reads what every worker's last publish left its sinks to commit. Call it after this worker's
 * process has claimed its id: from then on no older process of it can publish, so its own record
 * no longer changes but by this process.
 */
export async function readSinkCommittables(settings: {
  readonly leases: LeaseStore;
  readonly workerId: string;
  readonly checkpoints: CheckpointStore;
  readonly serde: Serde<unknown>;
}): Promise<SinkCommittables> {
  const { leases, workerId, checkpoints, serde } = settings;
  const records = (await leases.readCommittables?.()) ?? new Map();
  let own: Readonly<Record<string, BlobRef>> | undefined;
  const others = new Map<string, unknown[]>();
  for (const { worker, incarnation, state } of records.values()) {
    const published = sinkStatesOf(worker, state);
    if (worker === workerId) {
      own = published.sinks;
      continue;
    }
    for (const [sinkId, ref] of Object.entries(published.sinks)) {
      let bytes: Uint8Array;
      try {
        bytes = await checkpoints.readBlob(ref);
      } catch (error) {
        throw new Error(
          `the state of sink "${sinkId}" in checkpoint ${published.checkpointId} of worker "${worker}" (incarnation ${incarnation}), which its last publish left to commit, cannot be read: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const states = others.get(sinkId) ?? [];
      states.push(serde.deserialize(bytes));
      others.set(sinkId, states);
    }
  }
  return { own, others };
}

/** `state` as {@link PublishedSinkStates}, or an error naming the worker. */
export function sinkStatesOf(worker: string, state: unknown): PublishedSinkStates {
  const candidate = state as Partial<PublishedSinkStates> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.checkpointId !== "number" ||
    typeof candidate.sinks !== "object" ||
    candidate.sinks === null
  ) {
    throw new Error(
      `worker "${worker}": its published committables are not ones this job wrote: ${JSON.stringify(state)}`,
    );
  }
  return candidate as PublishedSinkStates;
}
