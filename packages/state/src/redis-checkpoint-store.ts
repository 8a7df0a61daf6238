import {
  type BlobRef,
  blobsFreedBy,
  type CheckpointManifest,
  type CheckpointStore,
  type CheckpointStoreAdmin,
  type CheckpointToStore,
  CorruptCheckpointError,
  checksumOf,
  consoleLogger,
  type DeleteCheckpointOptions,
  type Logger,
  refuseDeletingLatest,
  type SharedBlobStore,
} from "@eddy/core";
import type { Redis, RedisOptions } from "ioredis";
import { blobsToStore } from "./blobs-to-store.ts";
import { planCommit } from "./commit-plan.ts";
import { DELETE_SCRIPT, type DeletionPlan, deleteArguments } from "./delete-script.ts";
import { CheckpointKeyLayout } from "./key-layout.ts";
import { CheckpointFormatError, parseManifest, refsByKey } from "./manifest-json.ts";
import { PUBLISH_SCRIPT, publishArguments } from "./publish-script.ts";
import { connect, disconnect } from "./redis-connection.ts";

/**
 * Options of {@link redisCheckpoints}. Defaults are in {@link REDIS_CHECKPOINT_DEFAULTS}.
 *
 * @example
 * const options: RedisCheckpointStoreOptions = { prefix: "analytics:", logger: silentLogger };
 * const store = redisCheckpoints("redis://127.0.0.1:6379", options);
 */
export interface RedisCheckpointStoreOptions {
  /** Prepended to every key (see {@link CheckpointKeyLayout}); must not contain `{` or `}`. */
  readonly prefix?: string;
  /** Where connection loss and recovery, and unreadable manifests, are reported. */
  readonly logger?: Logger;
  /**
   * @internal Test hook: runs after a commit's blobs are written and before its manifest is
   * published, to widen the window in which a crash leaves a partial checkpoint.
   */
  readonly afterBlobsWritten?: (checkpointId: number) => Promise<void> | void;
}

/**
 * Defaults of the Redis store. The connection fails a command fast when Redis is down (one
 * reconnect attempt, then the command errors), because the checkpoint coordinator already retries a
 * failed commit with backoff (`retry.maxAttempts`) and fails the job past its tolerated failures:
 * waiting inside the client too would only hide an outage.
 *
 * @example
 * // A job of a team that shares one Redis: its own prefix, the default connection behaviour.
 * const store = redisCheckpoints(
 *   { host: "127.0.0.1", port: 6379, connectTimeout: REDIS_CHECKPOINT_DEFAULTS.connectTimeout * 2 },
 *   { prefix: `team-a:${REDIS_CHECKPOINT_DEFAULTS.prefix}` },
 * );
 */
export const REDIS_CHECKPOINT_DEFAULTS = {
  /** Prepended to every key. */
  prefix: "eddy:",
  /** Reconnect attempts a command waits through before it fails (ioredis `maxRetriesPerRequest`). */
  maxRetriesPerRequest: 1,
  /** Delay before reconnect attempt n: 100·n ms, capped at this (ms). */
  maxReconnectDelay: 1_000,
  /** Time to establish a connection before the attempt fails (ms). */
  connectTimeout: 5_000,
  /**
   * A command without a reply after this long fails (ms). It only matters when Redis hangs (a
   * stopped Redis refuses connections at once); it must leave room for writing a full checkpoint
   * of a large state on a busy machine.
   */
  commandTimeout: 60_000,
  /** Times a publish is re-planned when another writer published in between. */
  maxPublishConflicts: 5,
} as const;

/**
 * A {@link CheckpointStore} in Redis: durable checkpoints for jobs whose state lives on the heap,
 * the way Flink's heap backend writes to a distributed file system.
 *
 * - `commit` writes the new blobs (pipelined, raw bytes), then publishes the manifest as the job's
 *   latest with one Lua script, which also applies retention. A writer that dies before the publish
 *   leaves the previous latest in place; the blobs it wrote are recorded as pending and deleted by
 *   the next publish.
 * - Retention keeps the newest `retain` checkpoints; savepoints are also kept by name forever, and
 *   a blob is deleted only when neither a kept checkpoint nor a savepoint references it.
 * - Publishing checkpoint N supersedes stored checkpoints with ids ≥ N: they belong to an earlier
 *   run the job was rolled back from (restarted from an older checkpoint or savepoint).
 * - `readBlob` verifies the sha256 and throws {@link CorruptCheckpointError} when it does not match
 *   or the blob is missing, so a restore falls back to the checkpoint before.
 *
 * The connection opens on first use; `close()` the store when the job is done. One running job
 * writes a job's checkpoints at a time (a second writer is detected and its publish
 * re-planned, but two live runs of one job are not supported). Keys are described in
 * {@link CheckpointKeyLayout}.
 *
 * @example
 * const store = redisCheckpoints("redis://127.0.0.1:6379");
 * const job = pipeline("fx-pricing", { checkpoints: { every: seconds(10), store } });
 */
export class RedisCheckpointStore implements CheckpointStore, CheckpointStoreAdmin, SharedBlobStore {
  readonly description: string;
  /** Where each job's keys are. */
  readonly keys: CheckpointKeyLayout;
  readonly #redis: Redis;
  readonly #logger: Logger;
  readonly #afterBlobsWritten: RedisCheckpointStoreOptions["afterBlobsWritten"];
  #unreachable = false;

  constructor(connection: string | RedisOptions, options: RedisCheckpointStoreOptions = {}) {
    const { redis, description } = connect(connection, REDIS_CHECKPOINT_DEFAULTS, "redisCheckpoints");
    this.#redis = redis;
    this.description = description;
    this.keys = new CheckpointKeyLayout(options.prefix ?? REDIS_CHECKPOINT_DEFAULTS.prefix);
    this.#logger = options.logger ?? consoleLogger;
    this.#afterBlobsWritten = options.afterBlobsWritten;

    this.#redis.on("error", (error: Error) => {
      if (this.#unreachable) return;
      this.#unreachable = true;
      this.#logger.warn(
        `${this.description} is unreachable (${error.message}); checkpoints fail until it is back`,
      );
    });
    this.#redis.on("ready", () => {
      if (!this.#unreachable) return;
      this.#unreachable = false;
      this.#logger.info(`${this.description} is reachable again`);
    });
  }

  async commit(checkpoint: CheckpointToStore, retain: number): Promise<void> {
    const { manifest } = checkpoint;
    const { job, checkpointId } = manifest;
    const writes = blobsToStore(checkpoint).map(({ ref, bytes }): [string, Buffer] => [
      this.keys.blob(ref),
      asBuffer(bytes),
    ]);

    // The pending record goes first: a writer that dies among the blob writes leaves it behind,
    // and the next publish deletes whatever it lists. Commands sent without waiting go out on the
    // one connection in order, like a pipeline, but without it copying every blob into one
    // buffer first (a full checkpoint of large state is tens of megabytes).
    const sent: Promise<unknown>[] = [this.#redis.sadd(this.keys.pendingIndex(job), String(checkpointId))];
    if (writes.length > 0) {
      sent.push(this.#redis.sadd(this.keys.pending(job, checkpointId), ...writes.map(([key]) => key)));
    }
    for (const [key, bytes] of writes) sent.push(this.#redis.set(key, bytes));
    await settledInOrder(sent);

    await this.#afterBlobsWritten?.(checkpointId);
    await this.#publish(manifest, retain);
  }

  async checkpoints(job: string): Promise<CheckpointManifest[]> {
    const key = this.keys.checkpoints(job);
    const stored = await this.#redis.hgetall(key);
    return this.#parseAll(stored, key, job).sort((a, b) => b.checkpointId - a.checkpointId);
  }

  async savepoint(job: string, name: string): Promise<CheckpointManifest | undefined> {
    const key = this.keys.savepoints(job);
    const json = await this.#redis.hget(key, name);
    if (json === null) return undefined;
    return this.#parseAll({ [name]: json }, key, job)[0];
  }

  async jobs(): Promise<string[]> {
    const jobs = new Set<string>();
    let cursor = "0";
    do {
      const [next, keys] = await this.#redis.scan(cursor, "MATCH", this.keys.jobsPattern(), "COUNT", 1_000);
      for (const key of keys) {
        const job = this.keys.jobOf(key);
        if (job !== undefined) jobs.add(job);
      }
      cursor = next;
    } while (cursor !== "0");
    return [...jobs].sort();
  }

  async savepoints(job: string): Promise<CheckpointManifest[]> {
    const key = this.keys.savepoints(job);
    const stored = await this.#redis.hgetall(key);
    return this.#parseAll(stored, key, job).sort((a, b) => b.checkpointId - a.checkpointId);
  }

  async deleteCheckpoint(
    job: string,
    checkpointId: number,
    options?: DeleteCheckpointOptions,
  ): Promise<boolean> {
    return this.#delete(job, ({ revision, checkpoints, savepoints, complete }) => {
      const removed = checkpoints.find((m) => m.checkpointId === checkpointId);
      if (removed === undefined) return undefined;
      refuseDeletingLatest(job, checkpoints, checkpointId, options);
      const left = checkpoints.filter((m) => m !== removed);
      return {
        revision,
        checkpointId,
        latest: left[0]?.checkpointId,
        pins: undefined,
        freed: complete ? blobsFreedBy(removed, [...left, ...savepoints], (ref) => this.keys.blob(ref)) : [],
      };
    });
  }

  async deleteSavepoint(job: string, name: string): Promise<boolean> {
    return this.#delete(job, ({ revision, checkpoints, savepoints, savepointNames, complete }) => {
      const removed = savepoints.find((_, i) => savepointNames[i] === name);
      if (removed === undefined) return undefined;
      const left = savepoints.filter((m) => m !== removed);
      const blobKey = (ref: BlobRef) => this.keys.blob(ref);
      return {
        revision,
        savepointName: name,
        latest: checkpoints[0]?.checkpointId,
        pins: [...new Set(left.flatMap((m) => [...refsByKey(m).values()].map(blobKey)))],
        freed: complete ? blobsFreedBy(removed, [...checkpoints, ...left], blobKey) : [],
      };
    });
  }

  async forgetCheckpoints(job: string, checkpointIds: readonly number[]): Promise<void> {
    if (checkpointIds.length === 0) return;
    await this.#redis.hdel(this.keys.checkpoints(job), ...checkpointIds.map(String));
  }

  async deleteBlobs(refs: readonly BlobRef[]): Promise<void> {
    // Each blob has a hash tag of its own: one UNLINK per blob, pipelined in chunks.
    for (let i = 0; i < refs.length; i += 500) {
      const pipeline = this.#redis.pipeline();
      for (const ref of refs.slice(i, i + 500)) pipeline.unlink(this.keys.blob(ref));
      await pipeline.exec();
    }
  }

  async readBlob(ref: BlobRef): Promise<Uint8Array> {
    const bytes = await this.#redis.getBuffer(this.keys.blob(ref));
    if (bytes === null)
      throw new CorruptCheckpointError(`blob ${ref.key} is missing from ${this.description}`);
    if (checksumOf(bytes) !== ref.checksum)
      throw new CorruptCheckpointError(`blob ${ref.key} fails its checksum`);
    return bytes;
  }

  /** Closes the connection (an open one keeps the process alive); commands in flight fail. */
  async close(): Promise<void> {
    await disconnect(this.#redis);
  }

  /**
   * Reads the job's manifests, plans a deletion from them (`undefined`: nothing to delete) and
   * carries it out atomically, planning again when a publish came in between.
   */
  async #delete(job: string, plan: (stored: StoredJob) => DeletionPlan | undefined): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const read = this.#redis.pipeline();
      read.get(this.keys.revision(job));
      read.hgetall(this.keys.checkpoints(job));
      read.hgetall(this.keys.savepoints(job));
      const [revision, checkpointFields, savepointFields] = throwFirstError(await read.exec()) as [
        string | null,
        Record<string, string>,
        Record<string, string>,
      ];
      const checkpoints = this.#parseForPlanning(checkpointFields, job).sort(
        (a, b) => b.checkpointId - a.checkpointId,
      );
      const savepointEntries = Object.entries(savepointFields).flatMap(([name, json]) =>
        this.#parseForPlanning({ [name]: json }, job).map((m) => [name, m] as const),
      );
      const complete =
        checkpoints.length === Object.keys(checkpointFields).length &&
        savepointEntries.length === Object.keys(savepointFields).length;
      const planned = plan({
        revision: revision ?? "0",
        checkpoints,
        savepoints: savepointEntries.map(([, m]) => m),
        savepointNames: savepointEntries.map(([name]) => name),
        complete,
      });
      if (planned === undefined) return false;
      const args = deleteArguments(this.keys, job, planned);
      const answer = String(await this.#redis.eval(DELETE_SCRIPT, ...(args as [number, ...string[]])));
      if (answer === "OK") return true;
      if (attempt >= REDIS_CHECKPOINT_DEFAULTS.maxPublishConflicts) {
        throw new Error(
          `job "${job}": nothing was deleted: the job kept publishing checkpoints in ${this.description} meanwhile`,
        );
      }
    }
  }

  async #publish(manifest: CheckpointManifest, retain: number): Promise<void> {
    const { job, checkpointId } = manifest;
    const savepointName =
      manifest.kind === "savepoint" ? (manifest.savepointName ?? String(checkpointId)) : undefined;
    const manifestJson = JSON.stringify(manifest);
    for (let attempt = 1; ; attempt++) {
      const read = this.#redis.pipeline();
      read.get(this.keys.revision(job));
      read.hgetall(this.keys.checkpoints(job));
      read.smembers(this.keys.pendingIndex(job));
      if (savepointName !== undefined) read.hgetall(this.keys.savepoints(job));
      const [revision, stored, pendingIds, savepoints] = throwFirstError(await read.exec()) as [
        string | null,
        Record<string, string>,
        string[],
        Record<string, string> | undefined,
      ];

      const pendingRead = this.#redis.pipeline();
      for (const id of pendingIds) pendingRead.smembers(this.keys.pending(job, Number(id)));
      const pendingKeys = throwFirstError(await pendingRead.exec()) as string[][];
      const pending = new Map(pendingIds.map((id, i) => [Number(id), pendingKeys[i] ?? []]));

      const existing = this.#parseForPlanning(stored, job);
      let replacedSavepoint: CheckpointManifest | undefined;
      let otherSavepoints: CheckpointManifest[] | undefined;
      if (savepointName !== undefined && savepoints?.[savepointName] !== undefined) {
        const all = this.#parseForPlanning(savepoints, job);
        replacedSavepoint = all.find((m) => (m.savepointName ?? String(m.checkpointId)) === savepointName);
        otherSavepoints = all.filter((m) => m !== replacedSavepoint);
      }

      const plan = planCommit({
        manifest,
        retain,
        existing,
        replacedSavepoint,
        otherSavepoints,
        pending,
        blobKey: (ref) => this.keys.blob(ref),
      });
      const args = publishArguments(this.keys, job, plan, {
        revision: revision ?? "0",
        checkpointId,
        manifestJson,
        savepointName,
      });
      const answer = String(await this.#redis.eval(PUBLISH_SCRIPT, ...(args as [number, ...string[]])));
      if (answer === "OK") return;
      if (answer.startsWith("MISSING ")) {
        throw new Error(
          `checkpoint ${checkpointId} of job "${job}" was not published: blob ${answer.slice(8)} is missing from ${this.description}`,
        );
      }
      if (attempt >= REDIS_CHECKPOINT_DEFAULTS.maxPublishConflicts) {
        throw new Error(
          `checkpoint ${checkpointId} of job "${job}" was not published: another writer kept publishing checkpoints of this job in ${this.description}`,
        );
      }
    }
  }

  /** Manifests of a hash, skipping (with a log line) entries that are not manifests. */
  #parseAll(stored: Record<string, string>, key: string, job: string): CheckpointManifest[] {
    const manifests: CheckpointManifest[] = [];
    for (const [field, json] of Object.entries(stored)) {
      const manifest = parseManifest(json, `${key} field ${field} in ${this.description}`);
      if (manifest === undefined || manifest.job !== job) {
        this.#logger.error(
          `${key} field ${field} in ${this.description} is not a checkpoint manifest of job "${job}"; it is ignored`,
        );
        continue;
      }
      manifests.push(manifest);
    }
    return manifests;
  }

  /** Like {@link #parseAll}, but manifests of other versions are left alone rather than refused. */
  #parseForPlanning(stored: Record<string, string>, job: string): CheckpointManifest[] {
    const manifests: CheckpointManifest[] = [];
    for (const json of Object.values(stored)) {
      try {
        const manifest = parseManifest(json, "");
        if (manifest !== undefined && manifest.job === job) manifests.push(manifest);
      } catch (error) {
        if (!(error instanceof CheckpointFormatError)) throw error;
      }
    }
    return manifests;
  }
}

/**
 * Creates a {@link RedisCheckpointStore} from a `redis://` URL or ioredis options.
 *
 * @example
 * const job = pipeline("fx-pricing", {
 *   checkpoints: { every: seconds(10), store: redisCheckpoints(process.env.REDIS_URL ?? "redis://127.0.0.1:6379") },
 * });
 */
export function redisCheckpoints(
  urlOrOptions: string | RedisOptions,
  options?: RedisCheckpointStoreOptions,
): RedisCheckpointStore {
  return new RedisCheckpointStore(urlOrOptions, options);
}

/** A job's manifests as a deletion plans from them. */
interface StoredJob {
  readonly revision: string;
  /** Newest first. */
  readonly checkpoints: readonly CheckpointManifest[];
  readonly savepoints: readonly CheckpointManifest[];
  /** The name each of `savepoints` is stored under. */
  readonly savepointNames: readonly string[];
  /** Whether every stored manifest could be read (else no blob is deleted: which are live is unknown). */
  readonly complete: boolean;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Waits for every command; throws the first one's error, as a pipeline's results would. */
async function settledInOrder(sent: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(sent);
  for (const result of results) if (result.status === "rejected") throw result.reason;
}

function throwFirstError(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error("redis pipeline was aborted");
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}
