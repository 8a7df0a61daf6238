import type { BlobRef } from "@eddy/core";

/**
 * Where the S3 store keeps a job's checkpoints under its prefix:
 *
 * ```text
 * <prefix>jobs/<job>/index.json              the job's pointer: its retained checkpoints and savepoints
 *                                            (ids, manifest keys, checksums), its revision and writer;
 *                                            replaced only by a conditional write
 * <prefix>jobs/<job>/manifests/<id>-<t>.json a checkpoint's manifest (JSON), written once
 * <prefix>jobs/<job>/pending/<t>.json        what one commit attempt uploads, written first and
 *                                            deleted after its publish (swept when it never publishes)
 * <prefix>blobs/<blob key>@<sha>             a blob's raw bytes; <sha> = first 16 hex digits of its sha256
 * ```
 *
 * `<job>` is percent-encoded (a `/` in a job name cannot reach another job's keys); `<t>` is a
 * token unique to the commit attempt, so a checkpoint id numbered again by a restarted run, or a
 * concurrent writer, never overwrites a manifest another index entry points at. A blob's key ends
 * with its checksum for the same reason.
 *
 * @example
 * const layout = new S3CheckpointLayout("checkpoints/");
 * layout.index("fx-pricing"); // "checkpoints/jobs/fx-pricing/index.json"
 * layout.blob({ key: "fx-pricing/7/window/kg3", checksum: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" });
 * // "checkpoints/blobs/fx-pricing/7/window/kg3@9f86d081884c7d65"
 */
export class S3CheckpointLayout {
  /** Prepended to every key: empty, or ending with `/`. */
  readonly prefix: string;

  /** @param prefix a "folder" of the bucket; a missing trailing `/` is added, a leading one dropped */
  constructor(prefix: string) {
    const trimmed = prefix.replace(/^\/+/, "");
    this.prefix = trimmed === "" || trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
  }

  /** The job's pointer object. */
  index(job: string): string {
    return `${this.#job(job)}index.json`;
  }

  /** A manifest object of `job`'s checkpoint `checkpointId`, unique to the attempt `token`. */
  manifest(job: string, checkpointId: number, token: string): string {
    return `${this.#job(job)}manifests/${checkpointId}-${token}.json`;
  }

  /** Under this, the pending records of `job`'s commit attempts. */
  pendingPrefix(job: string): string {
    return `${this.#job(job)}pending/`;
  }

  /** The pending record of one commit attempt. */
  pending(job: string, token: string): string {
    return `${this.pendingPrefix(job)}${token}.json`;
  }

  /** Under this, every job's objects. */
  jobsPrefix(): string {
    return `${this.prefix}jobs/`;
  }

  /** The job whose index object `key` is, or `undefined` for any other key. */
  jobOf(key: string): string | undefined {
    const match = /^([^/]+)\/index\.json$/.exec(key.slice(this.jobsPrefix().length));
    if (!key.startsWith(this.jobsPrefix()) || match === null) return undefined;
    return decodeURIComponent(match[1]!);
  }

  /** The object holding the bytes `ref` points at. */
  blob(ref: Pick<BlobRef, "key" | "checksum">): string {
    return `${this.prefix}blobs/${ref.key}@${ref.checksum.slice(0, 16)}`;
  }

  #job(job: string): string {
    return `${this.jobsPrefix()}${encodeURIComponent(job)}/`;
  }
}
