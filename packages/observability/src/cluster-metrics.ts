import { holderOf, isFinished } from "@eddy/core";
import type { Registry } from "prom-client";
import type { LeaseTableReading, LeaseTableWatch } from "./cluster/lease-table-watch.ts";
import { type MetricSpec, registerMetricSpecs, type Series } from "./metric-specs.ts";

/** A reading of the lease table, and the job's name for the `job_name` label. */
interface ClusterReading {
  readonly reading: LeaseTableReading;
  readonly job: string;
}

const LEASE_STATES = ["held", "handoff", "unheld", "finished"] as const;

/** The job's workers and leases, as the lease table shows them: the same on every worker. */
const SPECS: readonly MetricSpec<ClusterReading>[] = [
  {
    name: "cluster_workers",
    help: "Workers of the job that have not left (their record is in the lease table).",
    type: "gauge",
    labels: ["job_name"],
    series: ({ reading: r, job }) => [[{ job_name: job }, r.workers.length]],
  },
  {
    name: "cluster_leader",
    help: "1 for the worker holding the job's leader lock.",
    type: "gauge",
    labels: ["job_name", "worker"],
    series: ({ reading: r, job }) =>
      r.workers.filter((w) => w.leader).map((w) => [{ job_name: job, worker: w.workerId }, 1]),
  },
  {
    name: "cluster_worker_leases",
    help: "Leases (splits) a worker holds, finished ones left out.",
    type: "gauge",
    labels: ["job_name", "worker"],
    series: ({ reading: r, job }) =>
      r.workers.map((w) => [{ job_name: job, worker: w.workerId }, w.leases.length]),
  },
  {
    name: "cluster_worker_key_groups",
    help: "Key groups whose state a worker owns: those its leases carry.",
    type: "gauge",
    labels: ["job_name", "worker"],
    series: ({ reading: r, job }) =>
      r.workers.map((w) => [{ job_name: job, worker: w.workerId }, w.keyGroups]),
  },
  {
    name: "cluster_lease_holder",
    help: "1 for each lease (split) and the worker that holds it.",
    type: "gauge",
    labels: ["job_name", "lease", "worker"],
    series: ({ reading: r, job }) =>
      (r.snapshot?.leases ?? []).flatMap((lease): Series[] => {
        const holder = holderOf(lease);
        return holder === undefined || isFinished(lease)
          ? []
          : [[{ job_name: job, lease: lease.leaseKey, worker: holder }, 1]];
      }),
  },
  {
    name: "cluster_lease_throughput_records_per_second",
    help: "Records per second of a split, as its holder last reported with a renewal.",
    type: "gauge",
    labels: ["job_name", "lease"],
    series: ({ reading: r, job }) =>
      (r.snapshot?.leases ?? []).flatMap((lease): Series[] =>
        lease.throughput === undefined ? [] : [[{ job_name: job, lease: lease.leaseKey }, lease.throughput]],
      ),
  },
  {
    name: "cluster_lease_owner_switches",
    help: "Times a lease changed holder since its last checkpoint (KCL's ownerSwitchesSinceCheckpoint).",
    type: "gauge",
    labels: ["job_name", "lease"],
    series: ({ reading: r, job }) =>
      (r.snapshot?.leases ?? []).map((lease) => [
        { job_name: job, lease: lease.leaseKey },
        lease.ownerSwitchesSinceCheckpoint,
      ]),
  },
  {
    name: "cluster_leases",
    help: "Leases by state: held, handoff (a graceful handoff pending), unheld, finished.",
    type: "gauge",
    labels: ["job_name", "state"],
    series: ({ reading: r, job }) => {
      const counts = { held: 0, handoff: 0, unheld: 0, finished: 0 };
      for (const lease of r.snapshot?.leases ?? []) {
        if (isFinished(lease)) counts.finished++;
        else if (holderOf(lease) === undefined) counts.unheld++;
        else if (lease.checkpointOwner !== undefined) counts.handoff++;
        else counts.held++;
      }
      return LEASE_STATES.map((state) => [{ job_name: job, state }, counts[state]]);
    },
  },
  {
    name: "cluster_handoffs_total",
    help: "Leases seen moving by a graceful handoff since this process started watching.",
    type: "counter",
    labels: ["job_name"],
    series: ({ reading: r, job }) => [[{ job_name: job }, r.handoffs]],
  },
  {
    name: "cluster_failovers_total",
    help: "Leases seen moving away from a holder without a handoff (it died, stalled or timed out) since this process started watching.",
    type: "counter",
    labels: ["job_name"],
    series: ({ reading: r, job }) => [[{ job_name: job }, r.failovers]],
  },
];

/**
 * Registers the job's cluster metrics in `registry`, read from `watch` when Prometheus scrapes:
 * workers, the leader, each worker's leases and key groups, each lease's holder, throughput and
 * owner switches, leases by state, and handoffs and failovers seen. Every worker exports the
 * whole job's (the lease table's), so any one scrape shows it all; aggregate with `max`, not `sum`.
 *
 * @example
 * registerClusterMetrics(registry, watchLeaseTable(leases), { job: "fx-pricing", prefix: "eddy_" });
 * declare const registry: import("prom-client").Registry;
 * declare const leases: LeaseStore;
 */
export function registerClusterMetrics(
  registry: Registry,
  watch: LeaseTableWatch,
  options: { readonly job: string; readonly prefix: string },
): void {
  registerMetricSpecs(
    registry,
    SPECS,
    () => ({ reading: watch.reading(), job: options.job }),
    options.prefix,
  );
}
