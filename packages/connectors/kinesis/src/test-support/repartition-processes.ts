import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { type LocalKinesis, startKinesisLocal } from "./local-kinesis.ts";
import {
  type IsolatedRedis,
  killAll,
  startIsolatedRedis,
  startWorkerProcess,
  type WorkerProcess,
} from "./process-workers.ts";
import type { ProcessTestClick } from "./repartition-process-worker.ts";

const WORKER = fileURLToPath(new URL("./repartition-process-worker.ts", import.meta.url));

/** What the repartition process tests share: kinesis-local and a Redis of their own. */
export interface RepartitionProcesses {
  readonly kinesis: LocalKinesis;
  readonly redisUrl: string;
  readonly redis: Redis;
  /** Starts worker `id` of `job` (`repartition-process-worker.ts`) into `workers`. */
  start(
    workers: Map<string, WorkerProcess>,
    run: {
      stream: string;
      job: string;
      results: string;
      mode: "windows" | "branches" | "sequences";
      leaseMs: number;
    },
    id: string,
  ): void;
}

/** Starts kinesis-local and Redis before the file's tests and stops them after (call at top level). */
export function repartitionProcesses(): RepartitionProcesses {
  let kinesis: LocalKinesis | undefined;
  let redisServer: IsolatedRedis | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    [kinesis, redisServer] = await Promise.all([startKinesisLocal(), startIsolatedRedis()]);
    redis = new Redis(redisServer.url);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    redisServer?.stop();
    await kinesis?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("repartitionProcesses: used before beforeAll ran");
    return value;
  };
  return {
    get kinesis() {
      return started(kinesis);
    },
    get redisUrl() {
      return started(redisServer).url;
    },
    get redis() {
      return started(redis);
    },
    start(workers, run, id) {
      const args = [started(kinesis).endpoint, run.stream, started(redisServer).url, run.job, run.results];
      workers.set(id, startWorkerProcess(WORKER, [...args, id, run.mode, String(run.leaseMs)]));
    },
  };
}

/** The `windows` job's results for `clicks`: per page and one-second window, the count. */
export function windowCounts(clicks: readonly ProcessTestClick[]): Record<string, string> {
  const windows = new Map<string, number>();
  for (const c of clicks) {
    const field = `${c.page}|${Math.floor(c.ts / 1_000) * 1_000}`;
    windows.set(field, (windows.get(field) ?? 0) + 1);
  }
  return Object.fromEntries([...windows].map(([field, n]) => [field, String(n)]));
}

/** `error` with `details` and every worker's output (the workers are killed), for a failure's report. */
export async function withWorkerLogs(
  error: unknown,
  workers: ReadonlyMap<string, WorkerProcess>,
  details = "",
): Promise<Error> {
  const logs = await killAll(workers);
  return new Error(`${(error as Error).message}\n${details}\n${logs}`, { cause: error });
}

/** The middle of a shard's hash range: where to split it in two. */
export const middleHashKey = (shard: { startingHashKey: string; endingHashKey: string }) =>
  ((BigInt(shard.startingHashKey) + BigInt(shard.endingHashKey) + 1n) / 2n).toString();
