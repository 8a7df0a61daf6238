import { checkpointToPosition, holderOf, isFinished, type Job, type Lease } from "@eddy/core";
import type { DashboardView, TableDefinition, TableState } from "../views/view.ts";
import type { LeaseTableReading, LeaseTableWatch } from "./lease-table-watch.ts";

type Row = Readonly<Record<string, string | number>>;

/**
 * A dashboard table whose rows are computed from the lease table as last read: its version moves
 * when the rows do, so the page is sent only what changed.
 */
class LeaseTableView implements DashboardView {
  readonly id: string;
  readonly #definition: TableDefinition;
  readonly #rows: () => Row[];
  #version = 0;
  #lastText = "";
  #last: Row[] = [];

  constructor(definition: TableDefinition, rows: () => Row[]) {
    this.id = definition.id;
    this.#definition = definition;
    this.#rows = rows;
  }

  get version(): number {
    const rows = this.#rows();
    const text = JSON.stringify(rows);
    if (text !== this.#lastText) {
      this.#lastText = text;
      this.#last = rows;
      this.#version++;
    }
    return this.#version;
  }

  definition(): TableDefinition {
    return this.#definition;
  }

  state(): TableState {
    void this.version;
    return { kind: "table", rows: this.#last };
  }

  changesSince(version: number): TableState | undefined {
    return this.version > version ? { kind: "table", rows: this.#last } : undefined;
  }
}

/**
 * Two views of the dashboard that show the whole job from any of its workers, read from the
 * lease table ({@link watchLeaseTable}), not from the local process:
 *
 * - **Workers**: each live worker, whether it leads, the splits it holds, its key groups and
 *   records per second, with the handoffs and failovers seen in the title row's last column;
 * - **Leases**: each split, its holder (and the target of a pending handoff), its state, its
 *   published checkpoint, records per second and owner switches since that checkpoint, and — for
 *   the splits this worker reads, where the source knows it — how far it is behind the split's
 *   newest record.
 *
 * @example
 * const watch = watchLeaseTable(leases);
 * await dashboard(job, { views: workersViews(watch, job), prometheus: { leases: watch } });
 * declare const leases: LeaseStore;
 */
export function workersViews(watch: LeaseTableWatch, job?: Job): DashboardView[] {
  const workers = new LeaseTableView(
    {
      kind: "table",
      id: "cluster-workers",
      title: "Workers (from the lease table)",
      columns: [
        "worker",
        "role",
        "leases",
        "splits",
        "key groups",
        "records/s",
        "handoffs seen",
        "failovers seen",
      ],
      sortBy: "worker",
      descending: false,
      limit: 1_000,
    },
    () => workerRows(watch.reading()),
  );
  const leases = new LeaseTableView(
    {
      kind: "table",
      id: "cluster-leases",
      title: "Leases",
      columns: ["split", "holder", "state", "checkpoint", "records/s", "owner switches", "behind latest (s)"],
      sortBy: "split",
      descending: false,
      limit: 10_000,
    },
    () => leaseRows(watch.reading(), job),
  );
  return [workers, leases];
}

function workerRows(reading: LeaseTableReading): Row[] {
  return reading.workers.map((w) => ({
    worker: w.workerId,
    role: w.leader ? "leader" : "worker",
    leases: w.leases.length,
    splits: w.leases.join(" ") || "—",
    "key groups": w.keyGroups,
    "records/s": Math.round(w.throughput),
    "handoffs seen": reading.handoffs,
    "failovers seen": reading.failovers,
  }));
}

function leaseRows(reading: LeaseTableReading, job: Job | undefined): Row[] {
  const behind = new Map<string, number>();
  for (const node of job?.describe().nodes ?? []) {
    if (node.kind !== "source") continue;
    for (const split of job!.metrics.splits(node.id)) {
      if (split.millisBehindLatest !== undefined) behind.set(split.split, split.millisBehindLatest);
    }
  }
  return (reading.snapshot?.leases ?? []).map((lease) => {
    const holder = holderOf(lease);
    const state = isFinished(lease)
      ? "finished"
      : holder === undefined
        ? "unheld"
        : lease.checkpointOwner !== undefined
          ? `handoff to ${lease.leaseOwner}`
          : "held";
    const lag = behind.get(lease.leaseKey);
    return {
      split: lease.leaseKey,
      holder: holder ?? "—",
      state,
      checkpoint: positionOf(lease),
      "records/s": Math.round(lease.throughput ?? 0),
      "owner switches": lease.ownerSwitchesSinceCheckpoint,
      "behind latest (s)": lag === undefined ? "—" : Math.round(lag / 100) / 10,
    };
  });
}

/** The split's published position as the table shows it: without the watermarks kept beside it. */
function positionOf(lease: Lease): string {
  if (lease.checkpoint === undefined) return "—";
  if (isFinished(lease)) return lease.checkpoint;
  try {
    return JSON.stringify(checkpointToPosition(lease.leaseKey, lease.checkpoint).position);
  } catch {
    return lease.checkpoint; // not a position this job wrote: shown as it is
  }
}
