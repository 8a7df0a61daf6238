import type { BlobRef } from "@eddy/core";

/**
 * Where the Redis store keeps a job's checkpoints. Every key of a job carries the job's hash tag
 * (`{job}`), so a Redis Cluster keeps them in one slot and one Lua script can publish atomically:
 *
 * ```text
 * <prefix>job:{<job>}:checkpoints    hash    checkpoint id → manifest JSON (retained ones, savepoints among them)
 * <prefix>job:{<job>}:savepoints     hash    savepoint name → manifest JSON (never removed by retention)
 * <prefix>job:{<job>}:pinned         set     blob keys savepoints reference (retention never deletes them)
 * <prefix>job:{<job>}:pending        set     ids of checkpoints whose blobs are written but not published
 * <prefix>job:{<job>}:pending:<id>   set     blob keys written for checkpoint <id> (swept if it never publishes)
 * <prefix>job:{<job>}:latest         string  id of the checkpoint published last
 * <prefix>job:{<job>}:rev            counter bumped by every publish (detects a concurrent writer)
 * <prefix>blob:{<blob key>}@<sha>    string  a blob's raw bytes; <sha> = first 16 hex digits of its sha256
 * ```
 *
 * The tag is the name's first `/`-separated segment (the whole name for `fx-pricing`; `team` for
 * `team/fx-pricing`): blob keys written by the coordinator are `<job>/<id>/...`, so they share
 * the job's tag. `%`, `{` and `}` in names are percent-escaped, so a name can neither break the
 * tag nor collide with another name.
 *
 * A blob's key ends with its checksum: a checkpoint id reused by a later run (a job restarted from
 * an older savepoint numbers its checkpoints from there) writes new keys instead of overwriting
 * blobs that a savepoint or an older checkpoint still references.
 *
 * @example
 * const keys = new CheckpointKeyLayout(REDIS_CHECKPOINT_DEFAULTS.prefix);
 * keys.latest("fx-pricing"); // "eddy:job:{fx-pricing}:latest"
 * keys.checkpoints("team/fx-pricing"); // "eddy:job:{team}/fx-pricing:checkpoints"
 */
export class CheckpointKeyLayout {
  /** @param prefix prepended to every key; must not contain `{` or `}` */
  constructor(readonly prefix: string) {
    if (/[{}]/.test(prefix)) {
      throw new Error(`redis checkpoint key prefix "${prefix}" must not contain "{" or "}" (hash tags)`);
    }
  }

  /** Retained manifests of `job`, by checkpoint id. */
  checkpoints(job: string): string {
    return `${this.#job(job)}:checkpoints`;
  }

  /** Savepoint manifests of `job`, by name. */
  savepoints(job: string): string {
    return `${this.#job(job)}:savepoints`;
  }

  /** Blob keys that `job`'s savepoints reference. */
  pinned(job: string): string {
    return `${this.#job(job)}:pinned`;
  }

  /** Ids of `job`'s checkpoints whose blobs are written but not yet published. */
  pendingIndex(job: string): string {
    return `${this.#job(job)}:pending`;
  }

  /** Blob keys written for checkpoint `checkpointId` of `job` before it is published. */
  pending(job: string, checkpointId: number): string {
    return `${this.#job(job)}:pending:${checkpointId}`;
  }

  /** The id of `job`'s checkpoint published last. */
  latest(job: string): string {
    return `${this.#job(job)}:latest`;
  }

  /** Counter bumped by every publish of `job` (detects a concurrent writer). */
  revision(job: string): string {
    return `${this.#job(job)}:rev`;
  }

  /** A `SCAN MATCH` pattern for the keys of every job's checkpoints and savepoints hashes. */
  jobsPattern(): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, "\\$&")}job:*`;
  }

  /**
   * The job whose checkpoints or savepoints hash `key` is, or `undefined` for any other key (the
   * inverse of {@link checkpoints} and {@link savepoints}).
   */
  jobOf(key: string): string | undefined {
    const start = `${this.prefix}job:`;
    const suffix = /:(checkpoints|savepoints)$/.exec(key);
    if (!key.startsWith(start) || suffix === null) return undefined;
    return untagged(key.slice(start.length, suffix.index));
  }

  /** The Redis key holding the bytes `ref` points at. */
  blob(ref: Pick<BlobRef, "key" | "checksum">): string {
    return `${this.prefix}blob:${tagged(ref.key)}@${ref.checksum.slice(0, 16)}`;
  }

  #job(job: string): string {
    return `${this.prefix}job:${tagged(job)}`;
  }
}

/** `name` with its first `/`-separated segment in braces: that segment is the Cluster hash tag. */
export function tagged(name: string): string {
  const escaped = name.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const slash = escaped.indexOf("/");
  const segment = slash < 0 ? escaped : escaped.slice(0, slash);
  const rest = slash < 0 ? "" : escaped.slice(slash);
  // An empty tag (`{}`) would make Redis hash the whole key; "%00" cannot come from an escaped name.
  return `{${segment === "" ? "%00" : segment}}${rest}`;
}

/** The name `tagged` was given: braces of the tag removed, escapes undone; `undefined` if not tagged. */
export function untagged(text: string): string | undefined {
  const match = /^\{([^}]*)\}(.*)$/s.exec(text);
  if (match === null) return undefined;
  const segment = match[1] === "%00" ? "" : match[1]!;
  return `${segment}${match[2]}`.replace(/%(25|7B|7D)/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}
