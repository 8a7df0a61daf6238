import { randomUUID } from "node:crypto";
import {
  type AwsAccess,
  type AwsSdkClient,
  awsArn,
  type BlobRef,
  blobsFreedBy,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
  type CheckpointStoreAdmin,
  type CheckpointToStore,
  type Clock,
  CorruptCheckpointError,
  checksumOf,
  consoleLogger,
  type DeleteCheckpointOptions,
  isAwsSdkClient,
  type Logger,
  type RetryOptions,
  refuseDeletingLatest,
  retryOptions,
  systemClock,
} from "@eddy/core";
import { blobsToStore } from "./blobs-to-store.ts";
import { planCommit } from "./commit-plan.ts";
import { parseManifest, refsByKey } from "./manifest-json.ts";
import { S3CheckpointLayout } from "./s3-checkpoint-layout.ts";
import {
  emptyIndex,
  type IndexEntry,
  type JobIndex,
  type PendingRecord,
  parseIndex,
  parsePendingRecord,
} from "./s3-job-index.ts";
import { CONFLICT, S3Objects } from "./s3-objects.ts";
import { StaleCheckpointWriterError } from "./stale-writer-error.ts";

/**
 * Options of {@link s3Checkpoints}. Defaults are in {@link S3_CHECKPOINT_DEFAULTS}.
 *
 * @example
 * const options: S3CheckpointStoreOptions = { bucket: "my-checkpoints", prefix: "fx-pricing/", retry: { maxAttempts: 8 } };
 * const store = s3Checkpoints(options);
 */
export interface S3CheckpointStoreOptions {
  /** The bucket (it must exist; the store creates no bucket). */
  readonly bucket: string;
  /** A "folder" of the bucket the store keeps everything under; `/` is added when missing. */
  readonly prefix?: string;
  /**
   * An AWS SDK v3 S3 client, taken by its shape (`AwsSdkClient`: `send`, `destroy` and a `config`
   * whose `serviceId` is `"S3"`, so a client of another SDK copy works), used as given and not
   * closed by the store. Without one the store builds its own with `maxAttempts: 1` (Eddy retries,
   * the SDK does not) and the SDK's default resolution of region, credentials and endpoint
   * (`AWS_REGION`, profiles, `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`), and closes it in `close()`.
   */
  readonly client?: AwsSdkClient;
  /** Retries of each S3 call on throttling, 5xx and network errors. */
  readonly retry?: Partial<RetryOptions>;
  /** Uploads (and reads) in flight at once. */
  readonly maxConcurrentRequests?: number;
  /** Backoffs between retries run on it. */
  readonly clock?: Clock;
  /** Where unreadable manifests and failed clean-ups are reported. */
  readonly logger?: Logger;
  /**
   * @internal Test hook: runs after a commit's blobs and manifest are uploaded and before the
   * job's index is replaced, to widen the window in which a crash leaves a partial checkpoint.
   */
  readonly afterUploads?: (checkpointId: number) => Promise<void> | void;
}

/**
 * Defaults of {@link S3CheckpointStoreOptions}. A failed S3 call is retried a few times with a
 * short backoff; the checkpoint coordinator retries a failed commit as a whole on top of that
 * (the checkpoint options' `retry`), so a longer outage fails the job rather than hiding in here.
 *
 * @example
 * const patient = s3Checkpoints({
 *   bucket: "my-checkpoints",
 *   retry: { ...S3_CHECKPOINT_DEFAULTS.retry, maxAttempts: 10 },
 * });
 */
export const S3_CHECKPOINT_DEFAULTS = {
  /** Prepended to every key (the bucket's root). */
  prefix: "",
  /** Attempts of one S3 call and the backoff between them (full jitter). */
  retry: Object.freeze({ maxAttempts: 5, initialBackoffMS: 100, maxBackoffMS: 2_000 }) as RetryOptions,
  /** Requests in flight at once (S3 takes 3,500 writes a second per prefix). */
  maxConcurrentRequests: 32,
  /** Times a first publish is retried when another writer published in between. */
  maxPublishConflicts: 5,
} as const;

/** What a store knows of a job's index: its bytes' ETag (`undefined`: none yet) and content. */
interface IndexView {
  readonly etag: string | undefined;
  readonly index: JobIndex;
}

/** The manifests a job's index names, by object key; those that cannot be read, by key. */
interface StoredManifests {
  readonly byKey: Map<string, CheckpointManifest>;
  readonly all: CheckpointManifest[];
  readonly unreadable: string[];
}

/** Pending records of other commit attempts, found before a publish and swept after it. */
interface Sweep {
  readonly records: string[];
  readonly byCheckpoint: Map<number, string[]>;
}

/**
 * A {@link CheckpointStore} in S3, where Flink keeps checkpoints: durable state for a job on ECS,
 * Fargate or Kubernetes that needs no server of its own. Same contract as the Redis and directory
 * stores:
 *
 * - `commit` uploads the new key-group blobs and the manifest, then moves the job's pointer (its
 *   index object) with one conditional write (`If-Match` the ETag it read; `If-None-Match: *` for
 *   a job's first). A process killed before that write leaves the previous latest in place; what
 *   it uploaded is listed in a pending record, deleted by a later publish.
 * - Incremental: unchanged key groups point at blobs of earlier checkpoints. Retention keeps the
 *   newest `retain` checkpoints and every savepoint, and deletes a blob only when no kept manifest
 *   references it.
 * - `readBlob` verifies the sha256 and throws {@link CorruptCheckpointError} for a missing or
 *   changed blob; manifests are verified against the checksums in the index.
 * - A stale writer cannot move the pointer back: a store publishes over the version of the index
 *   it last wrote itself; once another writer has published, its commits fail with
 *   {@link StaleCheckpointWriterError} (a new process takes over with its first publish).
 *
 * Layout: {@link S3CheckpointLayout}. The credentials need `s3:GetObject`, `s3:PutObject`,
 * `s3:DeleteObject` on `<bucket>/<prefix>*` and `s3:ListBucket` on the bucket.
 *
 * @example
 * const store = s3Checkpoints({ bucket: "my-checkpoints", prefix: "eddy/" });
 * const job = pipeline("fx-pricing", { checkpoints: { every: seconds(10), store } });
 */
export class S3CheckpointStore implements CheckpointStore, CheckpointStoreAdmin {
  readonly description: string;
  /** Where each job's objects are. */
  readonly layout: S3CheckpointLayout;
  /** This store's name in the indexes it publishes: a new one per instance. */
  readonly writer = randomUUID();
  readonly #objects: S3Objects;
  readonly #concurrency: number;
  readonly #logger: Logger;
  readonly #afterUploads: S3CheckpointStoreOptions["afterUploads"];
  /** Per job this store has published: the index it wrote last. */
  readonly #views = new Map<string, IndexView>();
  /** Jobs another writer took over from this store: why its commits are refused. */
  readonly #fenced = new Map<string, StaleCheckpointWriterError>();
  /** Manifests read or written, by object key (they never change), per job. */
  readonly #manifests = new Map<string, Map<string, CheckpointManifest>>();

  readonly #bucket: string;

  constructor(options: S3CheckpointStoreOptions) {
    if (typeof options.bucket !== "string" || options.bucket === "") {
      throw new TypeError(
        `s3Checkpoints: bucket must be a bucket name, got ${JSON.stringify(options.bucket)}`,
      );
    }
    this.layout = new S3CheckpointLayout(options.prefix ?? S3_CHECKPOINT_DEFAULTS.prefix);
    this.description = `s3://${options.bucket}/${this.layout.prefix}`;
    this.#bucket = options.bucket;
    const where = `s3Checkpoints(${this.description})`;
    if (options.client !== undefined && !isAwsSdkClient(options.client, "S3", where)) {
      throw new TypeError(`${where}: client must be an AWS SDK v3 S3 client, got ${typeof options.client}`);
    }
    this.#objects = new S3Objects(options.client, options.bucket, {
      policy: retryOptions(options.retry, S3_CHECKPOINT_DEFAULTS.retry, where),
      clock: options.clock ?? systemClock,
    });
    this.#concurrency = options.maxConcurrentRequests ?? S3_CHECKPOINT_DEFAULTS.maxConcurrentRequests;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1) {
      throw new RangeError(
        `${where}: maxConcurrentRequests must be an integer >= 1, got ${this.#concurrency}`,
      );
    }
    this.#logger = options.logger ?? consoleLogger;
    this.#afterUploads = options.afterUploads;
  }

  /**
   * Under its prefix: PutObject (blobs, manifests, the conditional pointer), GetObject, DeleteObject
   * (DeleteObjects, for retention and `eddy checkpoints delete`); ListBucket to list jobs and checkpoints.
   */
  awsAccess(): AwsAccess[] {
    return [
      { service: "s3", actions: ["s3:ListBucket"], resources: [awsArn("s3", this.#bucket)] },
      {
        service: "s3",
        actions: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        resources: [awsArn("s3", `${this.#bucket}/${this.layout.prefix}*`)],
      },
    ];
  }

  async commit(checkpoint: CheckpointToStore, retain: number): Promise<void> {
    const { manifest } = checkpoint;
    const { job, checkpointId } = manifest;
    const fenced = this.#fenced.get(job);
    if (fenced) throw fenced;
    const uploads = blobsToStore(checkpoint).map(({ ref, bytes }) => ({ key: this.layout.blob(ref), bytes }));
    const uploaded = new Set(uploads.map((u) => u.key));

    for (let attempt = 1; ; attempt++) {
      let base = this.#views.get(job) ??
        (await this.#readIndex(job)) ?? { etag: undefined, index: emptyIndex(job) };
      let stored = await this.#storedManifests(job, base.index);
      this.#checkBuildsOnStored(manifest, uploaded, stored.all);
      const { entry, pendingKey } = await this.#upload(manifest, uploads);
      const sweep = await this.#otherPendingRecords(job, pendingKey);

      for (let adopted = 0; ; adopted++) {
        const published = await this.#publish(manifest, entry, base, stored, retain);
        if (published) {
          await this.#cleanUp(job, published, sweep, pendingKey);
          return;
        }
        const current = await this.#readIndex(job);
        if (current?.index.writer === this.writer && adopted < S3_CHECKPOINT_DEFAULTS.maxPublishConflicts) {
          // Our own earlier publish, whose answer was lost: build on it.
          base = current;
          stored = await this.#storedManifests(job, base.index);
          continue;
        }
        if (this.#views.has(job)) {
          const error = new StaleCheckpointWriterError(
            `checkpoint ${checkpointId} of job "${job}" was not published: another writer published checkpoint ${current?.index.checkpoints[0]?.checkpointId ?? "(none)"} (revision ${current?.index.revision ?? "(index deleted)"}) in ${this.description} after this store's last publish, so this process holds an old view of the job and must not move its latest checkpoint back`,
          );
          this.#fenced.set(job, error);
          throw error;
        }
        // Another writer published first while this store was taking the job over: start again
        // from what it published (the sweep of its publish may have deleted these uploads).
        break;
      }
      if (attempt >= S3_CHECKPOINT_DEFAULTS.maxPublishConflicts) {
        throw new Error(
          `checkpoint ${checkpointId} of job "${job}" was not published: another writer kept publishing checkpoints of this job in ${this.description}`,
        );
      }
    }
  }

  async checkpoints(job: string): Promise<CheckpointManifest[]> {
    const read = await this.#readIndex(job);
    if (read === undefined) return [];
    const manifests: CheckpointManifest[] = [];
    for (const entry of read.index.checkpoints) {
      const manifest = await this.#manifest(job, entry);
      if (manifest instanceof CorruptCheckpointError) {
        this.#logger.error(`${manifest.message}; it is ignored`);
        continue;
      }
      manifests.push(manifest);
    }
    return manifests.sort((a, b) => b.checkpointId - a.checkpointId);
  }

  async savepoint(job: string, name: string): Promise<CheckpointManifest | undefined> {
    const entry = (await this.#readIndex(job))?.index.savepoints[name];
    if (entry === undefined) return undefined;
    const manifest = await this.#manifest(job, entry);
    if (manifest instanceof CorruptCheckpointError) throw manifest;
    return manifest;
  }

  async jobs(): Promise<string[]> {
    const jobs: string[] = [];
    for (const key of await this.#objects.keys(this.layout.jobsPrefix())) {
      const job = this.layout.jobOf(key);
      if (job === undefined) continue;
      // An index whose checkpoints and savepoints were all deleted stays behind (a running job
      // may still publish over it): such a job has nothing to list.
      const index = (await this.#readIndex(job))?.index;
      if (index && (index.checkpoints.length > 0 || Object.keys(index.savepoints).length > 0)) jobs.push(job);
    }
    return jobs.sort();
  }

  async savepoints(job: string): Promise<CheckpointManifest[]> {
    const read = await this.#readIndex(job);
    const manifests: CheckpointManifest[] = [];
    for (const entry of Object.values(read?.index.savepoints ?? {})) {
      const manifest = await this.#manifest(job, entry);
      if (manifest instanceof CorruptCheckpointError) throw manifest;
      manifests.push(manifest);
    }
    return manifests.sort((a, b) => b.checkpointId - a.checkpointId);
  }

  async deleteCheckpoint(
    job: string,
    checkpointId: number,
    options?: DeleteCheckpointOptions,
  ): Promise<boolean> {
    return this.#delete(job, (index) => {
      const removed = index.checkpoints.find((e) => e.checkpointId === checkpointId);
      if (removed === undefined) return undefined;
      refuseDeletingLatest(job, index.checkpoints, checkpointId, options);
      return { removed, next: { ...index, checkpoints: index.checkpoints.filter((e) => e !== removed) } };
    });
  }

  async deleteSavepoint(job: string, name: string): Promise<boolean> {
    return this.#delete(job, (index) => {
      const removed = index.savepoints[name];
      if (removed === undefined) return undefined;
      const savepoints = Object.fromEntries(
        Object.entries(index.savepoints).filter(([other]) => other !== name),
      );
      return { removed, next: { ...index, savepoints } };
    });
  }

  async readBlob(ref: BlobRef): Promise<Uint8Array> {
    const key = this.layout.blob(ref);
    const object = await this.#objects.get(key);
    if (object === undefined) {
      throw new CorruptCheckpointError(`blob ${ref.key} is missing from ${this.description} (${key})`);
    }
    if (checksumOf(object.bytes) !== ref.checksum) {
      throw new CorruptCheckpointError(`blob ${ref.key} in ${this.description} fails its checksum (${key})`);
    }
    return object.bytes;
  }

  /** Closes the client the store built (a client given in the options is left open). */
  async close(): Promise<void> {
    this.#objects.close();
  }

  /**
   * Replaces the job's index with what `plan` makes of it (`undefined`: nothing to delete) by one
   * conditional write, then deletes the manifest and blobs nothing left references. The index
   * keeps its writer, so the running job that wrote it adopts the change instead of taking it
   * for another writer's publish (and fencing itself).
   */
  async #delete(
    job: string,
    plan: (index: JobIndex) => { removed: IndexEntry; next: JobIndex } | undefined,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const read = await this.#readIndex(job);
      if (read === undefined) return false;
      const planned = plan(read.index);
      if (planned === undefined) return false;
      const next: JobIndex = { ...planned.next, revision: read.index.revision + 1 };
      const stored = await this.#storedManifests(job, read.index);
      const etag = await this.#objects.putIfUnchanged(
        this.layout.index(job),
        new TextEncoder().encode(JSON.stringify(next)),
        read.etag,
      );
      if (etag === CONFLICT) {
        if (attempt >= S3_CHECKPOINT_DEFAULTS.maxPublishConflicts) {
          throw new Error(
            `job "${job}": nothing was deleted: the job kept publishing checkpoints in ${this.description} meanwhile`,
          );
        }
        continue;
      }
      if (this.#views.has(job)) this.#views.set(job, { etag, index: next });
      const left = [...next.checkpoints, ...Object.values(next.savepoints)];
      if (left.some((e) => e.manifest === planned.removed.manifest)) return true;
      const removed = stored.byKey.get(planned.removed.manifest);
      if (removed === undefined || stored.unreadable.length > 0) {
        this.#logger.warn(
          `job "${job}": some manifests in ${this.description} cannot be read, so no blobs are deleted`,
        );
        return true;
      }
      const remaining = left.flatMap((e) => stored.byKey.get(e.manifest) ?? []);
      const garbage = [
        planned.removed.manifest,
        ...blobsFreedBy(removed, remaining, (ref) => this.layout.blob(ref)),
      ];
      const failed = await this.#objects.deleteAll(garbage);
      if (failed.length > 0) {
        this.#logger.warn(
          `job "${job}": ${failed.length} objects in ${this.description} could not be deleted`,
        );
      }
      return true;
    }
  }

  /**
   * Uploads a commit attempt's pending record (first: a writer that dies among the uploads leaves
   * it behind for a sweep), its blobs, then its manifest under a key of the attempt's own.
   */
  async #upload(
    manifest: CheckpointManifest,
    uploads: readonly { key: string; bytes: Uint8Array }[],
  ): Promise<{ entry: IndexEntry; pendingKey: string }> {
    const { job, checkpointId } = manifest;
    const bytes = new TextEncoder().encode(JSON.stringify(manifest));
    const token = randomUUID().replaceAll("-", "").slice(0, 16);
    const entry: IndexEntry = {
      checkpointId,
      manifest: this.layout.manifest(job, checkpointId, token),
      checksum: checksumOf(bytes),
    };
    const pendingKey = this.layout.pending(job, token);
    const record: PendingRecord = { checkpointId, objects: [...uploads.map((u) => u.key), entry.manifest] };
    await this.#objects.put(pendingKey, new TextEncoder().encode(JSON.stringify(record)));
    await inParallel(uploads, this.#concurrency, (u) => this.#objects.put(u.key, u.bytes));
    await this.#objects.put(entry.manifest, bytes);
    this.#cached(job).set(entry.manifest, manifest);
    await this.#afterUploads?.(checkpointId);
    return { entry, pendingKey };
  }

  /**
   * Replaces the job's index over `base` with one conditional write; resolves with what it wrote,
   * or `undefined` when the index is no longer `base`.
   */
  async #publish(
    manifest: CheckpointManifest,
    entry: IndexEntry,
    base: IndexView,
    stored: StoredManifests,
    retain: number,
  ): Promise<(IndexView & { readonly garbage: string[] | undefined }) | undefined> {
    const { job, checkpointId } = manifest;
    const blobKey = (ref: BlobRef) => this.layout.blob(ref);
    const savepointName =
      manifest.kind === "savepoint" ? (manifest.savepointName ?? String(checkpointId)) : undefined;
    const replacedSavepoint =
      savepointName === undefined
        ? undefined
        : stored.byKey.get(base.index.savepoints[savepointName]?.manifest ?? "");
    const plan = planCommit({
      manifest,
      retain,
      existing: base.index.checkpoints.flatMap((e) => stored.byKey.get(e.manifest) ?? []),
      replacedSavepoint,
      otherSavepoints: Object.entries(base.index.savepoints)
        .filter(([name]) => name !== savepointName)
        .flatMap(([, e]) => stored.byKey.get(e.manifest) ?? []),
      pending: new Map(),
      blobKey,
    });
    const dropped = new Set(plan.dropIds);
    const index: JobIndex = {
      format: CHECKPOINT_FORMAT_VERSION,
      job,
      revision: base.index.revision + 1,
      writer: this.writer,
      checkpoints: [
        entry,
        ...base.index.checkpoints.filter(
          (e) => e.checkpointId !== checkpointId && !dropped.has(e.checkpointId),
        ),
      ].sort((a, b) => b.checkpointId - a.checkpointId),
      savepoints:
        savepointName === undefined
          ? base.index.savepoints
          : { ...base.index.savepoints, [savepointName]: entry },
    };
    const etag = await this.#objects.putIfUnchanged(
      this.layout.index(job),
      new TextEncoder().encode(JSON.stringify(index)),
      base.etag,
    );
    if (etag === CONFLICT) return undefined;
    this.#views.set(job, { etag, index });

    if (stored.unreadable.length > 0) {
      // Blobs an unreadable manifest references are unknown: deleting nothing is the safe choice.
      this.#logger.warn(
        `job "${job}": ${stored.unreadable.join(", ")} in ${this.description} cannot be read, so no blobs are deleted by this commit`,
      );
      return { etag, index, garbage: undefined };
    }
    const kept = [...index.checkpoints, ...Object.values(index.savepoints)];
    const removedManifests = [...base.index.checkpoints, ...Object.values(base.index.savepoints)]
      .map((e) => e.manifest)
      .filter((key) => !kept.some((e) => e.manifest === key));
    return { etag, index, garbage: [...plan.garbage, ...removedManifests] };
  }

  /**
   * Deletes what the publish made garbage and what dead commit attempts left behind, except what
   * the new index still references. A failed delete leaves a record for the next publish to retry.
   */
  async #cleanUp(
    job: string,
    published: IndexView & { readonly garbage: string[] | undefined },
    sweep: Sweep,
    pendingKey: string,
  ): Promise<void> {
    if (published.garbage === undefined) {
      // What this attempt uploaded is referenced now; the dead attempts wait for a safe sweep.
      await this.#objects.deleteAll([pendingKey]).catch(() => {});
      return;
    }
    const live = new Set<string>();
    const manifests = this.#cached(job);
    for (const e of [...published.index.checkpoints, ...Object.values(published.index.savepoints)]) {
      live.add(e.manifest);
      const manifest = manifests.get(e.manifest);
      if (manifest) for (const ref of refsByKey(manifest).values()) live.add(this.layout.blob(ref));
    }
    for (const key of manifests.keys()) if (!live.has(key)) manifests.delete(key);
    const candidates = new Set(published.garbage);
    for (const keys of sweep.byCheckpoint.values()) for (const key of keys) candidates.add(key);
    const garbage = [...candidates].filter((key) => !live.has(key));
    let left: string[];
    try {
      left = await this.#objects.deleteAll(garbage);
    } catch (error) {
      this.#logger.warn(
        `job "${job}": deleting old checkpoint objects from ${this.description} failed (${String(error)})`,
      );
      left = garbage;
    }
    if (left.length === 0) {
      await this.#objects.deleteAll([pendingKey, ...sweep.records]).catch(() => {});
      return;
    }
    // The next publish finds this record among the dead ones and deletes what is still unused.
    const record: PendingRecord = {
      checkpointId: published.index.checkpoints[0]!.checkpointId,
      objects: left,
    };
    await this.#objects.put(pendingKey, new TextEncoder().encode(JSON.stringify(record))).catch(() => {});
  }

  /**
   * A new checkpoint may point only at blobs it uploads or blobs a stored manifest references:
   * any other was deleted, or may be deleted, by a retention that dropped it (another writer's,
   * after the checkpoint this job restored from was superseded).
   */
  #checkBuildsOnStored(
    manifest: CheckpointManifest,
    uploaded: ReadonlySet<string>,
    stored: readonly CheckpointManifest[],
  ): void {
    const blobKey = (ref: BlobRef) => this.layout.blob(ref);
    let known: Set<string> | undefined;
    for (const ref of refsByKey(manifest).values()) {
      const key = blobKey(ref);
      if (uploaded.has(key)) continue;
      known ??= new Set(stored.flatMap((m) => [...refsByKey(m).values()].map(blobKey)));
      if (!known.has(key)) {
        throw new Error(
          `checkpoint ${manifest.checkpointId} of job "${manifest.job}" builds on blob ${ref.key}, which no stored checkpoint references any more in ${this.description} (another run of the job published since this one restored): restart the job to resume from the latest checkpoint`,
        );
      }
    }
  }

  /** Every manifest `index` names, read once and cached; those that cannot be read, by key. */
  async #storedManifests(job: string, index: JobIndex): Promise<StoredManifests> {
    const entries = new Map<string, IndexEntry>();
    for (const e of [...index.checkpoints, ...Object.values(index.savepoints)]) entries.set(e.manifest, e);
    const byKey = new Map<string, CheckpointManifest>();
    const unreadable: string[] = [];
    await inParallel([...entries.values()], this.#concurrency, async (e) => {
      const manifest = await this.#manifest(job, e);
      if (manifest instanceof CorruptCheckpointError) unreadable.push(e.manifest);
      else byKey.set(e.manifest, manifest);
    });
    return { byKey, all: [...byKey.values()], unreadable };
  }

  /** One manifest, verified against its index entry; a {@link CorruptCheckpointError} when it cannot be used. */
  async #manifest(job: string, entry: IndexEntry): Promise<CheckpointManifest | CorruptCheckpointError> {
    const cache = this.#cached(job);
    const known = cache.get(entry.manifest);
    if (known) return known;
    const where = `manifest s3://${this.#objects.bucket}/${entry.manifest} of checkpoint ${entry.checkpointId} of job "${job}"`;
    const object = await this.#objects.get(entry.manifest);
    if (object === undefined) return new CorruptCheckpointError(`${where} is missing`);
    if (checksumOf(object.bytes) !== entry.checksum)
      return new CorruptCheckpointError(`${where} fails its checksum`);
    const manifest = parseManifest(new TextDecoder().decode(object.bytes), where);
    if (manifest === undefined || manifest.job !== job || manifest.checkpointId !== entry.checkpointId) {
      return new CorruptCheckpointError(`${where} is not that checkpoint's manifest`);
    }
    cache.set(entry.manifest, manifest);
    return manifest;
  }

  async #readIndex(job: string): Promise<IndexView | undefined> {
    const key = this.layout.index(job);
    const object = await this.#objects.get(key);
    if (object === undefined) return undefined;
    return { etag: object.etag, index: parseIndex(object.bytes, job, `s3://${this.#objects.bucket}/${key}`) };
  }

  /** Pending records of `job` other than `own`: their commit attempts can no longer publish once we have. */
  async #otherPendingRecords(job: string, own: string): Promise<Sweep> {
    const records = (await this.#objects.keys(this.layout.pendingPrefix(job))).filter((key) => key !== own);
    const byCheckpoint = new Map<number, string[]>();
    await inParallel(records, this.#concurrency, async (key) => {
      const object = await this.#objects.get(key);
      const record = object && parsePendingRecord(object.bytes);
      if (record === undefined) return;
      byCheckpoint.set(record.checkpointId, [
        ...(byCheckpoint.get(record.checkpointId) ?? []),
        ...record.objects,
      ]);
    });
    return { records, byCheckpoint };
  }

  #cached(job: string): Map<string, CheckpointManifest> {
    let cache = this.#manifests.get(job);
    if (cache === undefined) {
      cache = new Map();
      this.#manifests.set(job, cache);
    }
    return cache;
  }
}

/**
 * Creates an {@link S3CheckpointStore}.
 *
 * @example
 * const job = pipeline("fx-pricing", {
 *   checkpoints: { every: seconds(10), store: s3Checkpoints({ bucket: "my-checkpoints", prefix: "eddy/" }) },
 * });
 */
export function s3Checkpoints(options: S3CheckpointStoreOptions): S3CheckpointStore {
  return new S3CheckpointStore(options);
}

/** Runs `work` for every item, at most `limit` at a time; rejects with the first failure. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
