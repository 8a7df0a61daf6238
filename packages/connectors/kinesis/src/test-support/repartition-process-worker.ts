/**
 * One worker of the repartition process tests (`repartition-paused.integ.test.ts`,
 * `repartition-reshard.integ.test.ts`, `repartition-branches.integ.test.ts`): the `windows`,
 * `branches` or `sequences` job of
 * `repartition-worker-job.ts`. `lease ms` sets the lease duration and failover time (the
 * paused-worker test holds a worker stopped for less than that, so its splits are not taken over).
 *
 *   node --import tsx repartition-process-worker.ts <kinesis endpoint> <stream> <redis url> <job> <results hash> <worker id> <windows|branches|sequences> <lease ms>
 */
import { parseWorkerArgs, runRepartitionWorker } from "./repartition-worker-job.ts";

export type { ProcessTestClick, SequenceTally } from "./repartition-worker-job.ts";

await runRepartitionWorker(
  parseWorkerArgs(
    "repartition-process-worker.ts",
    "<worker id> <windows|branches|sequences> <lease ms>",
    process.argv.slice(2),
    ([workerId, mode, leaseMs]) => {
      if (!workerId || !leaseMs) return "a worker id and a lease duration are needed";
      if (mode !== "windows" && mode !== "branches" && mode !== "sequences") {
        return `mode must be windows, branches or sequences, got ${mode}`;
      }
      return { workerId, mode, leaseMs: Number(leaseMs), shardDiscoveryIntervalMs: 500 };
    },
  ),
);
