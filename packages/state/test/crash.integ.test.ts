import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type RedisServer, startRedisServer } from "../src/test-support/redis-server.ts";

const JOB = fileURLToPath(new URL("crash-job.ts", import.meta.url));
const RECORDS = 250_000;
/** Slow enough that the crashed lives together cannot finish the input: every kill lands mid-run. */
const CRASH_RATE = 8_000;
const KILLS = 22;

let redis: RedisServer;
let workDir: string;

beforeAll(async () => {
  redis = await startRedisServer();
  workDir = await mkdtemp(join(tmpdir(), "eddy-crash-"));
});

afterAll(async () => {
  await redis?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function startJob(name: string, out: string, rate: number): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", "tsx", JOB, redis.url, name, out, String(RECORDS), String(rate)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, stderr })));
}

/** Resolves when the job has printed its "running" line (it prints nothing else). */
function running(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.stdout?.once("data", () => resolve()));
}

async function runToEnd(name: string, out: string, rate: number): Promise<void> {
  const child = startJob(name, out, rate);
  const { code, stderr } = await exited(child);
  if (code !== 0) throw new Error(`job ${name} exited with ${code}: ${stderr}`);
}

/** Every committed output line, sorted: the job's final results. */
async function results(dir: string): Promise<string[]> {
  const parts = (await readdir(dir)).filter((f) => f.startsWith("part-")).sort();
  const lines: string[] = [];
  for (const part of parts) {
    lines.push(...(await readFile(join(dir, part), "utf8")).split("\n").filter((l) => l.length > 0));
  }
  return lines.sort();
}

test(`a job SIGKILLed ${KILLS} times at random moments ends with exactly the results of an uninterrupted run`, async () => {
  const reference = join(workDir, "reference");
  await runToEnd(`reference-${randomUUID()}`, reference, 1_000_000);
  const expected = await results(reference);
  expect(expected.length).toBeGreaterThan(4_000);

  const crashed = join(workDir, "crashed");
  const name = `crashed-${randomUUID()}`;
  let committedBefore = 0;
  let livesThatAdvanced = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const child = startJob(name, crashed, CRASH_RATE);
    const exit = exited(child);
    // Timed from the job's "running" line, past start-up however slow a busy machine makes it, so
    // most kills land while records flow and checkpoints run.
    await Promise.race([running(child), exit]);
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 1_100));
    child.kill("SIGKILL");
    const { signal, stderr } = await exit;
    expect(signal, `life ${kill + 1} ended on its own: ${stderr}`).toBe("SIGKILL");
    const committed = (await results(crashed).catch(() => [])).length;
    if (committed > committedBefore) livesThatAdvanced++;
    committedBefore = committed;
  }
  // The crashed lives made progress through checkpoints, not only the final run.
  expect(livesThatAdvanced).toBeGreaterThan(KILLS / 2);
  expect(committedBefore).toBeLessThan(expected.length);

  await runToEnd(name, crashed, 1_000_000);
  const actual = await results(crashed);
  expect(actual.length).toBe(expected.length);
  expect(actual).toEqual(expected);
}, 240_000);
