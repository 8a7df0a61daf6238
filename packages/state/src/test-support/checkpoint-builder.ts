import { randomUUID } from "node:crypto";
import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointToStore,
  checksumOf,
  type KeyGroupBlobRef,
} from "@eddy/core";

/** A job name no other test uses, so tests can share one Redis. */
export function uniqueJob(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * Builds checkpoints the way the coordinator does (blob keys `<job>/<id>/...`, per key group a
 * chain of a full blob and the deltas after it), without running a job.
 */
export class CheckpointBuilder {
  #chains: Record<string, KeyGroupBlobRef[]> = {};

  constructor(readonly job: string) {}

  /**
   * The next checkpoint: `groups` says which key groups changed and how; unchanged groups keep
   * their chain. A savepoint writes every group in full and does not build on the chains.
   */
  next(
    checkpointId: number,
    groups: Record<number, "full" | "delta">,
    options: {
      kind?: "checkpoint" | "savepoint";
      name?: string;
      sources?: Record<string, unknown>;
      /** Makes the blobs' bytes differ from another run's checkpoint of the same id. */
      salt?: string;
    } = {},
  ): CheckpointToStore {
    const kind = options.kind ?? "checkpoint";
    const blobs = new Map<string, Uint8Array>();
    const store = (key: string, text: string): BlobRef => {
      const bytes = new TextEncoder().encode(options.salt === undefined ? text : `${text} ${options.salt}`);
      blobs.set(key, bytes);
      return { key, checksum: checksumOf(bytes), size: bytes.byteLength };
    };
    const chains: Record<string, KeyGroupBlobRef[]> = kind === "savepoint" ? {} : { ...this.#chains };
    for (const [group, mode] of Object.entries(groups)) {
      const ref = {
        ...store(`${this.job}/${checkpointId}/op/kg${group}`, `${this.job} ${checkpointId} ${group} ${mode}`),
        mode,
      };
      chains[group] = mode === "full" ? [ref] : [...(chains[group] ?? []), ref];
    }
    const manifest: CheckpointManifest = {
      version: CHECKPOINT_FORMAT_VERSION,
      job: this.job,
      checkpointId,
      kind,
      savepointName: options.name,
      completedAt: 1_000 * checkpointId,
      keyGroups: 4,
      sources: { "source#1": options.sources ?? { "0": checkpointId * 10 } },
      operators: {
        op: { keyGroups: chains, operator: store(`${this.job}/${checkpointId}/op/op`, `op ${checkpointId}`) },
      },
      sinks: { "sink#3": store(`${this.job}/${checkpointId}/sink/sink#3`, `sink ${checkpointId}`) },
    };
    this.#chains = chains;
    return { manifest, blobs };
  }
}

/** Every blob ref of a manifest. */
export function refsOf(manifest: CheckpointManifest): BlobRef[] {
  const refs: BlobRef[] = [];
  for (const state of Object.values(manifest.operators)) {
    if (state.operator) refs.push(state.operator);
    for (const chain of Object.values(state.keyGroups)) refs.push(...chain);
  }
  refs.push(...Object.values(manifest.sinks));
  return refs;
}
