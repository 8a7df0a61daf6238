import { LEASE_DEFAULTS, type LeaseTimingOptions } from "@eddy/core";
import { boolean, duration, integer, type Setting, text } from "../settings.ts";

/**
 * The settings that run an app's job on several workers: `--workers N` on this machine, or
 * `--cluster` in each of several processes or containers sharing a Redis.
 */
export function clusterSettings() {
  return {
    workers: {
      flag: "workers",
      env: "EDDY_WORKERS",
      description:
        "run the job on this many worker processes on this machine: this process supervises them (restarts one that dies, stops them all on Ctrl-C); leases in the checkpoints' Redis, else held by this process",
      parse: integer(1),
      default: undefined,
      defaultText: "one process, no workers",
    } as Setting<number | undefined>,
    cluster: {
      flag: "cluster",
      env: "EDDY_CLUSTER",
      description:
        "run as one worker of the job: every process started with the same `--job` and `--checkpoints redis://…` shares the source's splits by leases",
      parse: boolean,
      default: false,
      switch: true,
    },
    workerId: {
      flag: "worker-id",
      env: "EDDY_WORKER_ID",
      description:
        "this worker's id (implies `--cluster`), stable across restarts so a restarted worker takes its leases back, e.g. a StatefulSet pod's name",
      parse: text,
      default: undefined,
      defaultText: "`<hostname>-<slot>`, the lowest slot free on this machine",
    } as Setting<string | undefined>,
    failoverTime: {
      flag: "failover-time",
      env: "EDDY_FAILOVER_TIME",
      description:
        "with several workers: how long a worker may stay silent before the others take over its splits (its lease duration too); lower fails over faster at the price of more Redis traffic",
      parse: (value) => {
        const ms = duration(value);
        if (ms < 500) throw new TypeError("must be at least 500ms");
        return ms;
      },
      default: LEASE_DEFAULTS.failoverTimeMs,
      defaultText: "`10s`",
    },
  } satisfies Record<string, Setting<unknown>>;
}

/**
 * The lease timing of a failover time: leases last as long (a holder that cannot renew gives
 * them up before others may take them), workers poll ten times per failover time (at most every
 * second), the leader balances twice per failover time (at most every 5 s). The defaults of
 * `LEASE_DEFAULTS` for `--failover-time 10s`.
 *
 * @example
 * leaseTimingFor(2_000); // { failoverTimeMs: 2000, leaseDurationMs: 2000, pollIntervalMs: 200, assignmentIntervalMs: 1000, ... }
 */
export function leaseTimingFor(failoverTimeMs: number): LeaseTimingOptions {
  return {
    failoverTimeMs,
    leaseDurationMs: failoverTimeMs,
    pollIntervalMs: Math.min(LEASE_DEFAULTS.pollIntervalMs, failoverTimeMs / 10),
    assignmentIntervalMs: Math.min(LEASE_DEFAULTS.assignmentIntervalMs, failoverTimeMs / 2),
    handoffTimeoutMs: Math.min(LEASE_DEFAULTS.handoffTimeoutMs, failoverTimeMs * 3),
  };
}
