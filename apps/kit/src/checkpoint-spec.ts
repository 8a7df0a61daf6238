import { SettingsError } from "./settings.ts";

/** `scheme://` at the start of a store description. */
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** S3's rules for a bucket name: 3–63 lowercase letters, digits, dots and hyphens. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * `--checkpoints`' value, checked: `none`, `memory`, a directory, `redis://…` / `rediss://…` or
 * `s3://<bucket>/<prefix>`. Throws a `TypeError` saying what is wrong.
 */
export function checkpointsSetting(text: string): string {
  const value = text.trim();
  if (value === "") throw new TypeError("must not be empty");
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return value;
  if (scheme === "s3") {
    s3Location(value);
    return value;
  }
  if (scheme === "redis" || scheme === "rediss") {
    if (!URL.canParse(value) || new URL(value).hostname === "") {
      throw new TypeError("is not a Redis URL such as redis://host:6379");
    }
    return value;
  }
  throw new TypeError(
    `${scheme}:// is not a checkpoint store: give a directory, s3://<bucket>/<prefix>, redis://<host>:<port>, memory or none`,
  );
}

/** The bucket and prefix of `s3://<bucket>/<prefix>`. */
export function s3Location(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(url);
  const bucket = match?.[1] ?? "";
  if (!BUCKET.test(bucket)) {
    throw new TypeError(
      `must be s3://<bucket>/<prefix> with a bucket name of 3 to 63 lowercase letters, digits, dots and hyphens, got ${JSON.stringify(bucket)}`,
    );
  }
  return { bucket, prefix: match?.[2] ?? "" };
}

/** Whether a store keeps checkpoints only on this machine: a directory, or `memory`. */
export function isOnThisMachine(spec: string): boolean {
  return spec !== "none" && !SCHEME.test(spec);
}

/**
 * Where checkpoints go when `--checkpoints` is not given: the local stack's Redis, or `.eddy/` in
 * embedded mode. On AWS there is no safe default, so it is an error that says what to pass.
 */
export function defaultCheckpoints(mode: string, stackRedis: string | undefined, directory: string): string {
  if (mode === "aws") {
    throw new SettingsError(
      "--mode aws needs checkpoints that outlive the container (a replaced ECS task or pod starts over): pass --checkpoints s3://<bucket>/<prefix> or --checkpoints redis://<host>:<port> (or --checkpoints <directory> to keep them on local disk anyway)",
    );
  }
  return stackRedis ?? directory;
}
