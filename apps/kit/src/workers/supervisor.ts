import { type ChildProcess, fork } from "node:child_process";
import { holderOf, isFinished, type LeaseStore, type LeaseTableSnapshot } from "@eddy/core";
import { serveLeases } from "./lease-server.ts";
import { supervisorLeaseTables } from "./lease-tables.ts";
import { SUPERVISED_WORKER_ENV } from "./worker-role.ts";

/** The variable that tells a supervised worker its slot, e.g. to serve its dashboard on port + slot. */
export const WORKER_SLOT_ENV = "EDDY_WORKER_SLOT";

/** A message a worker sends its supervisor: its job cannot run this way (a configuration error). */
export interface WorkerConfigError {
  readonly type: "eddy:config-error";
  readonly message: string;
}

/** Restart pacing of {@link superviseWorkers}. */
export const SUPERVISOR_DEFAULTS = {
  /** The first restart of a worker that died waits this long… */
  restartDelayMs: 1_000,
  /** …each next one twice as long, up to this… */
  maxRestartDelayMs: 30_000,
  /** …and a worker that ran this long before dying is restarted after the first delay again. */
  stableAfterMs: 60_000,
  /** How often the lease table is read to print who holds what. */
  holdingsEveryMs: 1_000,
} as const;

/** Options of {@link superviseWorkers}. */
export interface SupervisorOptions {
  /** One worker process per id, started with the id in {@link SUPERVISED_WORKER_ENV}. */
  readonly workerIds: readonly string[];
  /** The job's lease table, read to print who holds what. */
  readonly leases: LeaseStore;
  /**
   * Whether the workers reach `leases` through this process (no Redis): it then serves them, and
   * a lease table of its own to each further stage of a repartitioned job.
   */
  readonly servesLeases: boolean;
  /** The script each worker runs (this app's main module) and its arguments. */
  readonly script: string;
  readonly args: readonly string[];
  /** Prints a line for the person running the app (stdout). */
  readonly print: (line: string) => void;
  /** Restart pacing; {@link SUPERVISOR_DEFAULTS} by default. */
  readonly timing?: { readonly [K in keyof typeof SUPERVISOR_DEFAULTS]?: number };
}

/** How a supervised run ended. */
export type SupervisorOutcome =
  | { readonly outcome: "finished" | "stopped" }
  | { readonly outcome: "config-error"; readonly message: string };

interface Worker {
  readonly id: string;
  readonly slot: number;
  child: ChildProcess | undefined;
  startedAt: number;
  restartDelay: number;
  restartTimer: NodeJS.Timeout | undefined;
  done: boolean;
}

/**
 * Runs a job on worker processes on this machine, one per id, and waits until they are all done:
 * `--workers N`. Each worker is the same script with the same arguments, forked with an IPC
 * channel (and in its own process group, so a Ctrl-C reaches it once, from here).
 *
 * - A worker that dies unexpectedly (a crash, a SIGKILL) is started again with the same id, after
 *   a backoff (1 s, doubling to 30 s; back to 1 s after a minute of running): it takes its
 *   leases back and resumes from their published checkpoints.
 * - SIGINT and SIGTERM are forwarded to every worker, which stops gracefully; a second one is
 *   forwarded again, which stops them at once.
 * - A worker that exits with status 2, or reports a configuration error, stops the run: every
 *   worker would fail the same way.
 * - With `servesLeases`, the lease table is this process's: each worker's lease calls are served
 *   from it over IPC, one call at a time, so its fenced publish stays atomic; so are the lease
 *   tables of a repartitioned job's further stages, one per stage, kept in memory here.
 * - Whenever who holds which lease changes, prints it, with the leader (and, for the stage tables
 *   it serves, who holds which lease of each stage, as `stage 1 leases: …`).
 *
 * @example
 * const result = await superviseWorkers({
 *   workerIds: ["my-host-0", "my-host-1"],
 *   leases: new MemoryLeaseStore(),
 *   servesLeases: true,
 *   script: process.argv[1]!,
 *   args: process.argv.slice(2),
 *   print: console.log,
 * });
 */
export function superviseWorkers(options: SupervisorOptions): Promise<SupervisorOutcome> {
  const timing = { ...SUPERVISOR_DEFAULTS, ...options.timing };
  const workers: Worker[] = options.workerIds.map((id, slot) => ({
    id,
    slot,
    child: undefined,
    startedAt: 0,
    restartDelay: timing.restartDelayMs,
    restartTimer: undefined,
    done: false,
  }));
  const tables = supervisorLeaseTables(options.leases);
  let stopping = false;
  let configError: string | undefined;
  let settle: (outcome: SupervisorOutcome) => void = () => {};
  const ended = new Promise<SupervisorOutcome>((resolve) => {
    settle = resolve;
  });

  const start = (worker: Worker) => {
    worker.restartTimer = undefined;
    const child = fork(options.script, [...options.args], {
      env: { ...process.env, [SUPERVISED_WORKER_ENV]: worker.id, [WORKER_SLOT_ENV]: String(worker.slot) },
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      detached: true,
    });
    worker.child = child;
    worker.startedAt = Date.now();
    const stopServing = options.servesLeases ? serveLeases(tables, child) : () => {};
    child.on("message", (message: unknown) => {
      const m = message as Partial<WorkerConfigError> | null;
      if (m?.type === "eddy:config-error" && typeof m.message === "string") stopAll(m.message);
    });
    child.once("error", (error) => options.print(`worker ${worker.id} could not start: ${error.message}`));
    child.once("exit", (code, signal) => {
      stopServing();
      worker.child = undefined;
      if (code === 2 && configError === undefined)
        stopAll(`worker ${worker.id} stopped on a configuration error`);
      if (code === 0 || stopping || configError !== undefined) {
        worker.done = true;
        if (!stopping && code === 0) options.print(`worker ${worker.id} finished`);
        if (workers.every((w) => w.done)) finish();
        return;
      }
      const ranFor = Date.now() - worker.startedAt;
      if (ranFor >= timing.stableAfterMs) worker.restartDelay = timing.restartDelayMs;
      const delay = worker.restartDelay;
      worker.restartDelay = Math.min(delay * 2, timing.maxRestartDelayMs);
      options.print(
        `worker ${worker.id} (pid ${child.pid}) died (${signal ?? `exit status ${code}`}): restarting it in ${delay / 1000} s`,
      );
      worker.restartTimer = setTimeout(() => start(worker), delay);
    });
    options.print(`worker ${worker.id} started (pid ${child.pid})`);
  };

  const signalAll = (signal: NodeJS.Signals) => {
    for (const worker of workers) {
      if (worker.restartTimer) {
        clearTimeout(worker.restartTimer);
        worker.restartTimer = undefined;
      }
      if (!worker.child) worker.done = true;
      else if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
    }
    if (workers.every((w) => w.done)) finish();
  };
  const stopAll = (message: string | undefined) => {
    if (message !== undefined) configError ??= message;
    if (stopping) return;
    stopping = true;
    signalAll("SIGTERM");
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.print(`${signal} again: stopping the workers at once`);
      signalAll(signal);
      return;
    }
    options.print(`${signal}: stopping the workers (press Ctrl-C again to stop them at once)`);
    stopAll(undefined);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // Stage 0's table always; a further stage's once a worker asked for it (served by this process).
  const lastHoldings = new Map<number, string>();
  const showHoldings = async () => {
    const shown = options.servesLeases ? tables.opened() : ([[0, options.leases]] as const);
    for (const [stage, table] of shown) {
      try {
        const holdings = `${stage === 0 ? "" : `stage ${stage} `}${describeHoldings(await table.snapshot())}`;
        if (holdings !== lastHoldings.get(stage)) options.print(holdings);
        lastHoldings.set(stage, holdings);
      } catch {
        // The table is unreachable for a moment (Redis restarting): the next reading says it.
      }
    }
  };
  const holdingsTimer = setInterval(() => void showHoldings(), timing.holdingsEveryMs);

  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(holdingsTimer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    void showHoldings().finally(() =>
      settle(
        configError !== undefined
          ? { outcome: "config-error", message: configError }
          : { outcome: stopping ? "stopped" : "finished" },
      ),
    );
  };

  for (const worker of workers) start(worker);
  return ended;
}

/**
 * Who holds which lease, as one line: each live worker with its leases (the leader marked), the
 * leases nobody holds, and how many are finished.
 *
 * @example
 * describeHoldings(snapshot); // "leases: host-0 (leader) partition-0 partition-2 · host-1 partition-1 partition-3"
 * declare const snapshot: LeaseTableSnapshot;
 */
export function describeHoldings(snapshot: LeaseTableSnapshot): string {
  const held = new Map<string, string[]>();
  for (const worker of snapshot.workers) if (!worker.left) held.set(worker.workerId, []);
  const unheld: string[] = [];
  let finishedCount = 0;
  for (const lease of snapshot.leases) {
    if (isFinished(lease)) {
      finishedCount++;
      continue;
    }
    const holder = holderOf(lease);
    if (holder === undefined) unheld.push(lease.leaseKey);
    else held.set(holder, [...(held.get(holder) ?? []), lease.leaseKey]);
  }
  const parts = [...held].map(
    ([worker, keys]) =>
      `${worker}${worker === snapshot.leader.leader ? " (leader)" : ""} ${keys.length > 0 ? keys.join(" ") : "—"}`,
  );
  if (unheld.length > 0) parts.push(`unheld ${unheld.join(" ")}`);
  if (finishedCount > 0) parts.push(`${finishedCount} finished`);
  return `leases: ${parts.length > 0 ? parts.join(" · ") : "none yet"}`;
}
