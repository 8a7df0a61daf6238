import { randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
  type CheckpointStoreAdmin,
  type CheckpointToStore,
  CorruptCheckpointError,
  checksumOf,
  type DeleteCheckpointOptions,
  planRetention,
  refuseDeletingLatest,
  savepointNameOf,
} from "@eddy/core";
import { CheckpointFormatError, parseManifest, refsByKey, refuseOtherVersion } from "./manifest-json.ts";

/**
 * Options of {@link fileCheckpoints}. Defaults are in {@link FILE_CHECKPOINT_DEFAULTS}.
 *
 * @example
 * // A scratch job on a laptop: crash-safe, not power-loss-safe, a little faster.
 * const options: FileCheckpointStoreOptions = { fsync: false };
 * const store = fileCheckpoints(".eddy/checkpoints", options);
 */
export interface FileCheckpointStoreOptions {
  /**
   * fsync every blob, the index and the directory before a checkpoint counts as stored, so it
   * survives a power loss, not only a crash of the process. Off, a checkpoint costs a few
   * milliseconds less per blob and still survives `kill -9`.
   */
  readonly fsync?: boolean;
}

/**
 * Defaults of {@link FileCheckpointStoreOptions}.
 *
 * @example
 * const durable = FILE_CHECKPOINT_DEFAULTS.fsync; // true: a stored checkpoint survives a power loss
 */
export const FILE_CHECKPOINT_DEFAULTS = {
  /** Flush every blob, the index and the directory to disk before a checkpoint counts as stored. */
  fsync: true,
} as const;

/** Blob files written at once. */
const WRITE_CONCURRENCY = 32;

/** A job's index file: its retained checkpoints and its savepoints by name. */
interface JobIndex {
  readonly format: typeof CHECKPOINT_FORMAT_VERSION;
  readonly checkpoints: CheckpointManifest[];
  readonly savepoints: Record<string, CheckpointManifest>;
}

const EMPTY_INDEX: JobIndex = { format: CHECKPOINT_FORMAT_VERSION, checkpoints: [], savepoints: {} };

/** A file name for any string: percent-encoded, `*` included (not allowed in Windows names). */
const fileNameOf = (text: string) => encodeURIComponent(text).replaceAll("*", "%2A");

/**
 * A {@link CheckpointStore} in a local directory: durable checkpoints without a server, for a job
 * on one machine (the embedded mode of the example apps, a laptop, a single container with a
 * volume). Same contract as the Redis store:
 *
 * - `commit` writes the new blobs, then publishes the job's index (its retained checkpoints and
 *   savepoints) by writing a temporary file and renaming it over the old one: one atomic step. A
 *   process killed before the rename leaves the previous index, and so the previous latest
 *   checkpoint, in place; the blobs it wrote are listed in a pending file and deleted by the next
 *   commit.
 * - Retention keeps the newest `retain` checkpoints and every savepoint, and deletes a blob only
 *   when no kept manifest references it.
 * - `readBlob` verifies the sha256 and throws {@link CorruptCheckpointError} when the blob is
 *   missing or its bytes changed.
 *
 * Layout: `<directory>/jobs/<job>/index.json` (manifests as JSON), `<directory>/jobs/<job>/pending.json`
 * (only while a commit is under way or after one died), `<directory>/blobs/<blob key>@<16 hex digits
 * of its sha256>` (raw bytes). Names are percent-encoded. A blob's file name carries its checksum,
 * so a checkpoint id reused by a later run never overwrites a blob an older savepoint references.
 *
 * One process writes a job's checkpoints at a time; the directory is not meant to be shared by
 * machines (use Redis for that).
 *
 * @example
 * const job = pipeline("fx-pricing", {
 *   checkpoints: { every: seconds(5), store: fileCheckpoints(".eddy/checkpoints") },
 * });
 */
export class FileCheckpointStore implements CheckpointStore, CheckpointStoreAdmin {
  readonly description: string;
  readonly #blobs: string;
  readonly #jobs: string;
  readonly #fsync: boolean;
  /** Created on first use, so constructing a store touches nothing. */
  #ready: Promise<void> | undefined;

  constructor(
    /** The directory the store keeps its jobs' checkpoints in (created on first use). */
    readonly directory: string,
    options: FileCheckpointStoreOptions = {},
  ) {
    this.description = `file://${directory}`;
    this.#blobs = join(directory, "blobs");
    this.#jobs = join(directory, "jobs");
    this.#fsync = options.fsync ?? FILE_CHECKPOINT_DEFAULTS.fsync;
  }

  async commit({ manifest, blobs }: CheckpointToStore, retain: number): Promise<void> {
    refuseOtherVersion(manifest);
    await this.#ensureDirectories();
    const job = manifest.job;
    const jobDirectory = join(this.#jobs, fileNameOf(job));
    await mkdir(jobDirectory, { recursive: true });
    const index = await this.#readIndex(job);
    await this.#sweepPending(job, index);

    const files = [...blobs].map(([key, bytes]) => ({
      bytes,
      name: this.blobFile({ key, checksum: checksumOf(bytes) }),
    }));
    await this.#writeAtomically(this.#pendingPath(job), JSON.stringify(files.map((f) => f.name)));
    // Written a few at a time: the disk overlaps the fsyncs (a savepoint writes every key group).
    for (let i = 0; i < files.length; i += WRITE_CONCURRENCY) {
      await Promise.all(
        files
          .slice(i, i + WRITE_CONCURRENCY)
          .map(({ name, bytes }) => this.#writeFile(join(this.#blobs, name), bytes)),
      );
    }
    if (this.#fsync) await syncDirectory(this.#blobs);

    // A checkpoint id committed again (a retry, or a rolled-back run's) replaces the stored one.
    const replaced = index.checkpoints.filter((m) => m.checkpointId === manifest.checkpointId);
    const all = [manifest, ...index.checkpoints.filter((m) => m.checkpointId !== manifest.checkpointId)];
    const savepoints = { ...index.savepoints };
    if (manifest.kind === "savepoint") {
      const name = savepointNameOf(manifest);
      if (savepoints[name]) replaced.push(savepoints[name]);
      savepoints[name] = manifest;
    }
    const { drop } = planRetention(all, Object.values(savepoints), retain);
    const kept = all.filter((m) => !drop.includes(m));
    const next: JobIndex = { format: CHECKPOINT_FORMAT_VERSION, checkpoints: kept, savepoints };
    await this.#writeAtomically(this.#indexPath(job), JSON.stringify(next));

    const live = this.#filesOf([...kept, ...Object.values(savepoints)]);
    for (const file of this.#filesOf([...drop, ...replaced])) {
      if (!live.has(file)) await unlinkIfPresent(join(this.#blobs, file));
    }
    await unlinkIfPresent(this.#pendingPath(job));
  }

  async checkpoints(job: string): Promise<CheckpointManifest[]> {
    const index = await this.#readIndex(job);
    return [...index.checkpoints].sort((a, b) => b.checkpointId - a.checkpointId);
  }

  async savepoint(job: string, name: string): Promise<CheckpointManifest | undefined> {
    return (await this.#readIndex(job)).savepoints[name];
  }

  async jobs(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.#jobs);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const jobs: string[] = [];
    for (const name of names) {
      const job = decodeURIComponent(name);
      const index = await this.#readIndex(job);
      if (index.checkpoints.length > 0 || Object.keys(index.savepoints).length > 0) jobs.push(job);
    }
    return jobs.sort();
  }

  async savepoints(job: string): Promise<CheckpointManifest[]> {
    const index = await this.#readIndex(job);
    return Object.values(index.savepoints).sort((a, b) => b.checkpointId - a.checkpointId);
  }

  async deleteCheckpoint(
    job: string,
    checkpointId: number,
    options?: DeleteCheckpointOptions,
  ): Promise<boolean> {
    const index = await this.#readIndex(job);
    const removed = index.checkpoints.find((m) => m.checkpointId === checkpointId);
    if (removed === undefined) return false;
    refuseDeletingLatest(job, index.checkpoints, checkpointId, options);
    await this.#replaceIndex(job, removed, {
      ...index,
      checkpoints: index.checkpoints.filter((m) => m !== removed),
    });
    return true;
  }

  async deleteSavepoint(job: string, name: string): Promise<boolean> {
    const index = await this.#readIndex(job);
    const removed = index.savepoints[name];
    if (removed === undefined) return false;
    const { [name]: _, ...savepoints } = index.savepoints;
    await this.#replaceIndex(job, removed, { ...index, savepoints });
    return true;
  }

  async readBlob(ref: BlobRef): Promise<Uint8Array> {
    const path = join(this.#blobs, this.blobFile(ref));
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if (isMissing(error)) {
        throw new CorruptCheckpointError(`blob ${ref.key} is missing from ${this.description} (${path})`);
      }
      throw error;
    }
    if (checksumOf(bytes) !== ref.checksum) {
      throw new CorruptCheckpointError(`blob ${ref.key} in ${this.description} fails its checksum (${path})`);
    }
    return bytes;
  }

  /** Publishes `next` (the index without `removed`), then deletes the blob files only `removed` used. */
  async #replaceIndex(job: string, removed: CheckpointManifest, next: JobIndex): Promise<void> {
    await this.#writeAtomically(this.#indexPath(job), JSON.stringify(next));
    const live = this.#filesOf([...next.checkpoints, ...Object.values(next.savepoints)]);
    for (const file of this.#filesOf([removed])) {
      if (!live.has(file)) await unlinkIfPresent(join(this.#blobs, file));
    }
  }

  /** The file name of a blob under `<directory>/blobs`. */
  blobFile(ref: Pick<BlobRef, "key" | "checksum">): string {
    return `${fileNameOf(ref.key)}@${ref.checksum.slice(0, 16)}`;
  }

  #indexPath(job: string): string {
    return join(this.#jobs, fileNameOf(job), "index.json");
  }

  #pendingPath(job: string): string {
    return join(this.#jobs, fileNameOf(job), "pending.json");
  }

  #ensureDirectories(): Promise<void> {
    this.#ready ??= Promise.all([
      mkdir(this.#blobs, { recursive: true }),
      mkdir(this.#jobs, { recursive: true }),
    ]).then(() => undefined);
    return this.#ready;
  }

  async #readIndex(job: string): Promise<JobIndex> {
    const path = this.#indexPath(job);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if (isMissing(error)) return EMPTY_INDEX;
      throw error;
    }
    let parsed: Partial<JobIndex>;
    try {
      parsed = JSON.parse(text) as Partial<JobIndex>;
    } catch (error) {
      throw new CorruptCheckpointError(`${path} is not JSON: ${String(error)}`);
    }
    if (parsed.format !== CHECKPOINT_FORMAT_VERSION) {
      throw new CheckpointFormatError(
        `${path} has checkpoint format version ${JSON.stringify(parsed.format)}; this @eddy/state reads version ${CHECKPOINT_FORMAT_VERSION} (delete the directory, or start the job with the Eddy version that wrote it)`,
      );
    }
    const manifest = (value: unknown, where: string): CheckpointManifest => {
      const read = parseManifest(JSON.stringify(value), where);
      if (!read) throw new CorruptCheckpointError(`${where} is not a checkpoint manifest`);
      return read;
    };
    return {
      format: CHECKPOINT_FORMAT_VERSION,
      checkpoints: (parsed.checkpoints ?? []).map((m, i) => manifest(m, `${path}: checkpoints[${i}]`)),
      savepoints: Object.fromEntries(
        Object.entries(parsed.savepoints ?? {}).map(([name, m]) => [
          name,
          manifest(m, `${path}: savepoint ${name}`),
        ]),
      ),
    };
  }

  /** Deletes the blobs of a commit that died before it published, unless a kept manifest uses them. */
  async #sweepPending(job: string, index: JobIndex): Promise<void> {
    let files: unknown;
    try {
      files = JSON.parse(await readFile(this.#pendingPath(job), "utf8"));
    } catch (error) {
      if (isMissing(error) || error instanceof SyntaxError) return;
      throw error;
    }
    if (!Array.isArray(files)) return;
    const live = this.#filesOf([...index.checkpoints, ...Object.values(index.savepoints)]);
    for (const file of files) {
      // Only names this store writes: a tampered pending file must not reach outside `blobs/`.
      if (typeof file === "string" && !file.includes("/") && !file.startsWith(".") && !live.has(file)) {
        await unlinkIfPresent(join(this.#blobs, file));
      }
    }
  }

  #filesOf(manifests: readonly CheckpointManifest[]): Set<string> {
    const files = new Set<string>();
    for (const manifest of manifests) {
      for (const ref of refsByKey(manifest).values()) files.add(this.blobFile(ref));
    }
    return files;
  }

  async #writeFile(path: string, data: Uint8Array | string): Promise<void> {
    const handle = await open(path, "w");
    try {
      await handle.writeFile(data);
      if (this.#fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Replaces `path` whole or not at all: a temporary file renamed over it. */
  async #writeAtomically(path: string, text: string): Promise<void> {
    const temporary = `${path}.${randomUUID().slice(0, 8)}.tmp`;
    await this.#writeFile(temporary, text);
    await rename(temporary, path);
    if (this.#fsync) await syncDirectory(dirname(path));
  }
}

/**
 * A {@link FileCheckpointStore} in `directory` (created on first commit).
 *
 * @example
 * const job = pipeline("clickstream", {
 *   checkpoints: { every: seconds(5), store: fileCheckpoints(".eddy/checkpoints") },
 * });
 */
export function fileCheckpoints(
  directory: string,
  options?: FileCheckpointStoreOptions,
): FileCheckpointStore {
  return new FileCheckpointStore(directory, options);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/** Makes renames and new files in `directory` durable; skipped where directories cannot be fsync'ed. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw error;
  } finally {
    await handle?.close();
  }
}
