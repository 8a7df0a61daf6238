/**
 * One worker of the job `repartition.integ.test.ts` runs on several processes (or, without a
 * worker id, the whole job in one process): the `windows` job of `repartition-worker-job.ts` —
 * clicks counted per page in one-second windows, repartitioned — with 3 s leases.
 *
 *   node --import tsx repartition-worker.ts <kinesis endpoint> <stream> <redis url> <job name> <results hash> [worker id]
 */
import { type ProcessTestClick, parseWorkerArgs, runRepartitionWorker } from "./repartition-worker-job.ts";

/** A click of the repartition test, at event time `ts`; `end` marks the end of the input. */
export type RepartitionClick = Omit<ProcessTestClick, "seq">;

await runRepartitionWorker(
  parseWorkerArgs("repartition-worker.ts", "[worker id]", process.argv.slice(2), ([workerId]) => ({
    workerId,
    mode: "windows",
    leaseMs: 3_000,
    shardDiscoveryIntervalMs: 1_000,
  })),
);
