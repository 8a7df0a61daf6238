import { randomUUID } from "node:crypto";
import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointToStore,
  type KeyGroupBlobRef,
} from "../checkpoint/checkpoint-store.ts";
import { checksumOf } from "../checkpoint/checksum.ts";

/**
 * `label` with a random suffix, for the streams, tables, buckets and jobs a test creates, so tests
 * that share a server never see each other's.
 *
 * @example
 * const job = uniqueName("retention"); // "retention-3f2a9c1e"
 */
export function uniqueName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * How the key groups of the next checkpoint changed: per key group number, a `full` snapshot or a
 * `delta` on top of its chain. Groups left out keep their chain.
 *
 * @example
 * const changes: KeyGroupChanges = { 0: "delta", 3: "full" };
 */
export type KeyGroupChanges = Readonly<Record<number, "full" | "delta">>;

/**
 * Options of {@link CheckpointBuilder.next}.
 *
 * @example
 * const options: NextCheckpointOptions = { kind: "savepoint", name: "before-upgrade" };
 */
export interface NextCheckpointOptions {
  /** `checkpoint` (the default) or `savepoint`. */
  readonly kind?: "checkpoint" | "savepoint";
  /** The savepoint's name. */
  readonly name?: string;
  /** The source positions to record, per split (default `{ "0": checkpointId * 10 }`). */
  readonly sources?: Record<string, unknown>;
  /** Makes the blobs' bytes differ from another run's checkpoint of the same id. */
  readonly salt?: string;
}

/**
 * Builds checkpoints of one job the way the coordinator does, without running a job: blob keys
 * `<job>/<id>/...`, one operator `op` with four key groups, each a chain of a full blob and the
 * deltas after it, an operator blob and a sink blob per checkpoint. Each blob's text names its
 * job, checkpoint, group and mode, so a test can tell which one it read back. For tests of
 * checkpoint stores.
 *
 * @example
 * const builder = new CheckpointBuilder(uniqueName("retention"));
 * await store.commit(builder.next(1, { 0: "full", 1: "full", 2: "full", 3: "full" }), 2);
 * await store.commit(builder.next(2, { 0: "delta" }), 2); // group 0: checkpoint 1's full blob, then a delta
 * const [latest] = await store.checkpoints(builder.job);
 */
export class CheckpointBuilder {
  #chains: Record<string, KeyGroupBlobRef[]> = {};

  /** @param job the job whose checkpoints it builds */
  constructor(readonly job: string) {}

  /**
   * The next checkpoint: `groups` says which key groups changed and how; unchanged groups keep
   * their chain. A savepoint writes every group in full and does not build on the chains.
   */
  next(
    checkpointId: number,
    groups: KeyGroupChanges,
    options: NextCheckpointOptions = {},
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

// `blobRefsOf` moved to the checkpoint folder (per-worker retention needs it); still exported here.
export { blobRefsOf } from "../checkpoint/retention.ts";
