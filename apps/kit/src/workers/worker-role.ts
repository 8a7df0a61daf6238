import { parseCheckpointStoreUrl } from "@eddy/state";
import { SettingsError } from "../settings.ts";
import { claimWorkerIds } from "./worker-slots.ts";

/**
 * The variable a `--workers` supervisor gives each worker process: its worker id. Set, in a
 * process with an IPC channel, it makes the process that worker whatever its flags say.
 */
export const SUPERVISED_WORKER_ENV = "EDDY_SUPERVISED_WORKER_ID";

/** Where a job's lease table lives: the checkpoints' Redis, or the supervisor's memory. */
export type LeaseLocation =
  | { readonly kind: "redis"; readonly url: string }
  | { readonly kind: "supervisor" };

/**
 * What this process is in a run of the job:
 * - `single`: the whole job in this process (no leases);
 * - `supervisor`: `--workers N` — starts, restarts and stops the worker processes, runs no job;
 * - `worker`: one worker of the job — a supervisor's (`supervised`) or one started on its own
 *   with `--cluster` / `--worker-id`.
 */
export type WorkerRole =
  | { readonly kind: "single" }
  | { readonly kind: "supervisor"; readonly workerIds: readonly string[]; readonly leases: LeaseLocation }
  | {
      readonly kind: "worker";
      readonly workerId: string;
      readonly supervised: boolean;
      readonly leases: LeaseLocation;
    };

/** The settings {@link workerRoleOf} reads. */
export interface WorkerRoleSettings {
  readonly workers: number | undefined;
  readonly cluster: boolean;
  readonly workerId: string | undefined;
  readonly fresh: boolean;
}

/**
 * This process's {@link WorkerRole} from its settings and where its checkpoints go. Throws a
 * {@link SettingsError} (one line) when they do not fit together: workers need checkpoints they
 * share, workers across processes started on their own need Redis for their leases, and a job
 * whose leases are in Redis cannot be restarted `--fresh` under the same name.
 *
 * @example
 * workerRoleOf({ workers: 2, cluster: false, workerId: undefined, fresh: false }, ".eddy/checkpoints", {
 *   env: process.env,
 *   hasParent: false,
 *   slots: ".eddy/workers/fx-pricing",
 * }); // { kind: "supervisor", workerIds: ["my-host-0", "my-host-1"], leases: { kind: "supervisor" } }
 */
export function workerRoleOf(
  settings: WorkerRoleSettings,
  checkpoints: string,
  where: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly hasParent: boolean;
    readonly slots: string;
  },
): WorkerRole {
  const store = parseCheckpointStoreUrl(checkpoints);
  const redis: LeaseLocation | undefined =
    store.kind === "redis" ? { kind: "redis", url: store.url } : undefined;
  const supervisedId = where.env[SUPERVISED_WORKER_ENV];
  if (supervisedId && where.hasParent) {
    return {
      kind: "worker",
      workerId: supervisedId,
      supervised: true,
      leases: redis ?? { kind: "supervisor" },
    };
  }
  const clustered = settings.workers !== undefined || settings.cluster || settings.workerId !== undefined;
  if (!clustered) return { kind: "single" };
  if (store.kind === "none" || store.kind === "memory") {
    throw new SettingsError(
      `a job on several workers needs checkpoints they share: pass --checkpoints <directory>, redis://<host>:<port> or s3://<bucket>/<prefix> instead of ${store.kind}`,
    );
  }
  if (redis && settings.fresh) {
    throw new SettingsError(
      "--fresh cannot start over a job whose workers share leases in Redis (other workers may be running it): give the new run another --job name",
    );
  }
  if (settings.workers !== undefined) {
    if (settings.workerId !== undefined) {
      throw new SettingsError(
        "--worker-id names one worker; with --workers N this process names its workers <hostname>-<slot>: leave --worker-id out",
      );
    }
    return {
      kind: "supervisor",
      workerIds: claimWorkerIds(where.slots, settings.workers),
      leases: redis ?? { kind: "supervisor" },
    };
  }
  if (!redis) {
    throw new SettingsError(
      "workers started on their own share their leases through Redis: pass --checkpoints redis://<host>:<port>, or run them all from one process with --workers N",
    );
  }
  return {
    kind: "worker",
    workerId: settings.workerId ?? claimWorkerIds(where.slots, 1)[0]!,
    supervised: false,
    leases: redis,
  };
}
