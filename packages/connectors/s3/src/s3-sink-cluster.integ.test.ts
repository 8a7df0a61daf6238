import { fileURLToPath } from "node:url";
import { holderOf } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import {
  type LocalRedis,
  type LocalS3,
  LocalS3Objects,
  startLocalRedis,
  startLocalS3,
  startWorkerProcess,
  type WorkerProcess,
} from "@eddy/local-stack";
import { redisLeases } from "@eddy/state";
import { afterAll, beforeAll, expect, test } from "vitest";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const script = fileURLToPath(new URL("./test-support/cluster-job.ts", import.meta.url));
const RECORDS = 4_000;
/** Each worker paces the generator at this rate: the input lasts about 10 s. */
const RATE = 400;
const bucket = `s3-cluster-${process.pid}`;

let s3: LocalS3;
let redis: LocalRedis;
let objects: LocalS3Objects;

beforeAll(async () => {
  [s3, redis] = await Promise.all([startLocalS3(), startLocalRedis()]);
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
});

afterAll(async () => {
  objects?.close();
  await Promise.all([s3?.stop(), redis?.stop()]);
});

function start(job: string, prefix: string, rate: number, workerId?: string): WorkerProcess {
  const args = [s3.endpoint, redis.url, bucket, prefix, job, String(RECORDS), String(rate)];
  return startWorkerProcess({
    id: workerId ?? "single",
    script,
    args: workerId === undefined ? args : [...args, workerId],
  });
}

/** Every line of the visible objects under `prefix`, sorted. */
async function visibleLines(prefix: string): Promise<string[]> {
  const lines: string[] = [];
  for (const object of await objects.readAll(bucket, prefix)) {
    expect(object.key).toMatch(new RegExp(`^${prefix}hh=1[45]/part-[^/]+\\.jsonl$`));
    lines.push(...object.text.split("\n").filter((line) => line !== ""));
  }
  return lines.sort();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("two workers, one SIGKILLed and restarted and one SIGSTOPped past the failover time, commit to S3 exactly the records of one process", async () => {
  const single = await start("s3-single", "single/", 1_000_000).exit;
  expect(single.code, single.output).toBe(0);
  const expected = await visibleLines("single/");
  expect(expected.length).toBe(RECORDS);

  const job = `s3-cluster-${process.pid}-${Date.now()}`;
  const table = redisLeases(redis.url, { job });
  const workers = new Map<string, WorkerProcess>();
  const restart = (id: string) => void workers.set(id, start(job, "cluster/", RATE, id));
  restart("w0");
  restart("w1");
  const holder = async () => {
    const holders = [...new Set((await table.snapshot()).leases.map(holderOf))].filter(
      (w) => w !== undefined,
    );
    expect(holders.length, "no worker holds a split").toBeGreaterThan(0);
    return holders[Math.floor(Math.random() * holders.length)]!;
  };
  try {
    await eventually(
      async () => (await table.snapshot()).leases.filter((l) => holderOf(l) !== undefined).length === 4,
      { what: "the workers to hold every split", timeoutMs: 60_000 },
    );
    // A crash: its staged files of unpublished checkpoints are its own to clear when it is back.
    await pause(1_500);
    const killed = await holder();
    workers.get(killed)!.child.kill("SIGKILL");
    const { signal } = await workers.get(killed)!.exit;
    expect(signal).toBe("SIGKILL");
    restart(killed);

    // A zombie: paused until the other worker took its splits, then woken.
    await pause(1_500);
    const paused = await holder();
    const held = (await table.snapshot()).leases.filter((l) => holderOf(l) === paused).map((l) => l.leaseKey);
    const zombie = workers.get(paused)!;
    zombie.child.kill("SIGSTOP");
    await eventually(
      async () =>
        (await table.snapshot()).leases.every((l) => !held.includes(l.leaseKey) || holderOf(l) !== paused),
      { what: `the splits of ${paused} to be taken from it`, timeoutMs: 30_000 },
    );
    zombie.child.kill("SIGCONT");

    for (const exit of await Promise.all([...workers.values()].map((w) => w.exit))) {
      expect(exit.code, exit.output).toBe(0);
      expect(exit.output).toContain("finished");
    }
  } finally {
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    await table.close();
  }
  const lines = await visibleLines("cluster/");
  expect(lines.length).toBe(expected.length);
  expect(lines).toEqual(expected);
}, 240_000);
