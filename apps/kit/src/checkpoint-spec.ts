import { parseCheckpointStoreUrl } from "@eddy/state";
import { SettingsError } from "./settings.ts";

/**
 * `--checkpoints`' value, checked: `none`, `memory`, a directory, `redis://…` / `rediss://…` or
 * `s3://<bucket>/<prefix>` (as `@eddy/state` reads store URLs). Throws a `TypeError` saying what is wrong.
 */
export function checkpointsSetting(text: string): string {
  parseCheckpointStoreUrl(text);
  return text.trim();
}

/** Whether a store keeps checkpoints only on this machine: a directory, or `memory`. */
export function isOnThisMachine(spec: string): boolean {
  const { kind } = parseCheckpointStoreUrl(spec);
  return kind === "directory" || kind === "memory";
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
