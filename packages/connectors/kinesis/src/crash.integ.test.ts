import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventually } from "@eddy/core/testing";
import { RedisCheckpointStore } from "@eddy/state";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freePort, type LocalKinesis, startKinesalite } from "./test-support/local-kinesis.ts";
import { jsonEntry, produce, testEvents } from "./test-support/producer.ts";
import { complete, countsByKey, latestByKey, range, type Tally } from "./test-support/tally.ts";

// A real crash: the job runs in its own process, checkpointing to a real Redis, and is SIGKILLed
// mid-stream; a new process restores from Redis and goes on.
let kinesis: LocalKinesis;
let redis: ChildProcess;
let redisUrl: string;
let dir: string;

beforeAll(async () => {
  kinesis = await startKinesalite();
  const port = await freePort();
  redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  redis.once("error", (error) => {
    throw new Error(`could not start redis-server (apt-get install -y redis-server): ${error.message}`);
  });
  redisUrl = `redis://127.0.0.1:${port}`;
  dir = mkdtempSync(join(tmpdir(), "eddy-kinesis-crash-"));
});

afterAll(async () => {
  redis?.kill("SIGKILL");
  await kinesis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function startJob(stream: string, output: string): ChildProcess {
  const script = fileURLToPath(new URL("./test-support/crash-job.ts", import.meta.url));
  return spawn(
    process.execPath,
    ["--import", import.meta.resolve("tsx"), script, kinesis.endpoint, stream, redisUrl, output],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    },
  );
}

/** The tallies the job has written: a last line without its newline is still being written, so it is left out. */
function tallies(output: string): Tally[] {
  if (!existsSync(output)) return [];
  const lines = readFileSync(output, "utf8").split("\n");
  return lines.slice(0, -1).map((line) => JSON.parse(line) as Tally);
}

const killed = (child: ChildProcess) => new Promise<void>((resolve) => child.once("exit", () => resolve()));

test("a job process SIGKILLed mid-stream restarts from its Redis checkpoint: exactly-once state, order per key kept", async () => {
  const stream = await kinesis.createStream("crash", 3);
  const first = testEvents(300, 6);
  await produce(
    kinesis.connection,
    stream,
    first.map((e) => jsonEntry(e)),
  );
  const output = join(dir, "tallies.jsonl");
  const store = new RedisCheckpointStore(redisUrl);
  try {
    const job = startJob(stream, output);
    const exit = killed(job);
    await eventually(
      async () => tallies(output).length >= 100 && (await store.checkpoints("kinesis-crash")).length > 0,
      { what: "100 records and a checkpoint", timeoutMs: 30_000 },
    );
    job.kill("SIGKILL");
    await exit;
    const beforeCrash = tallies(output).length;
    expect(beforeCrash).toBeLessThan(300);

    const more = testEvents(120, 6, [50, 50, 50, 50, 50, 50]);
    await produce(
      kinesis.connection,
      stream,
      more.map((e) => jsonEntry(e)),
    );
    const expected = countsByKey([...first, ...more]);
    const restarted = startJob(stream, output);
    const restartedExit = killed(restarted);
    try {
      await eventually(() => complete(latestByKey(tallies(output)), expected), {
        what: "every record after the restart",
        timeoutMs: 30_000,
      });
    } finally {
      restarted.kill("SIGKILL");
      await restartedExit;
    }
    const latest = latestByKey(tallies(output));
    for (const [key, n] of expected) expect(latest.get(key)).toEqual(range(n));
    // Every record was emitted at least once; those after the last checkpoint twice.
    expect(tallies(output).length).toBeGreaterThanOrEqual(420);
  } finally {
    await store.close();
  }
}, 90_000);
