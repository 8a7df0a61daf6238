/**
 * A job that dies in the middle of a commit, for the partial-checkpoint test: run as a child
 * process (`node --import tsx partial-writer.ts <redis url> <job>`), it checkpoints into Redis and,
 * once the blobs of checkpoint 2 are written and before its manifest is published, prints
 * `blobs-written 2` and hangs until the test SIGKILLs it.
 */
import { silentLogger } from "@eddy/core";
import { RedisCheckpointStore } from "../redis-checkpoint-store.ts";
import { countingJob } from "./counting-job.ts";

const [url, name] = process.argv.slice(2);
if (url === undefined || name === undefined) throw new Error("usage: partial-writer.ts <redis url> <job>");

const store = new RedisCheckpointStore(url, {
  logger: silentLogger,
  afterBlobsWritten: (checkpointId) => {
    if (checkpointId !== 2) return;
    process.stdout.write(`blobs-written ${checkpointId}\n`);
    return new Promise<void>(() => {});
  },
});
const { job } = countingJob(name, { logger: silentLogger, checkpoints: { store, every: 50 } });
await job.run();
