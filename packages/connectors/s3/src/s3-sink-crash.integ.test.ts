import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  type LocalRedis,
  type LocalS3,
  LocalS3Objects,
  startLocalRedis,
  startLocalS3,
} from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let s3: LocalS3;
let redis: LocalRedis;
let objects: LocalS3Objects;
const bucket = `s3-crash-${process.pid}`;
const prefix = "crash/";
const RECORDS = 4000;
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const script = fileURLToPath(new URL("./test-support/crash-job.ts", import.meta.url));

beforeAll(async () => {
  [s3, redis] = await Promise.all([startLocalS3(), startLocalRedis()]);
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
});

afterAll(async () => {
  objects?.close();
  await Promise.all([s3?.stop(), redis?.stop()]);
});

interface Run {
  readonly lines: string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Runs the job in a child process; SIGKILLs it as soon as `killWhen` matches a line it printed. */
function runJob(killWhen?: (line: string, lines: string[]) => boolean): Promise<Run> {
  // A run meant to be killed never ends by itself (its source holds at its end).
  const hold = killWhen ? { CRASH_HOLD: "1" } : {};
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: packageDir,
      env: {
        ...process.env,
        CRASH_S3: s3.endpoint,
        CRASH_REDIS: redis.url,
        CRASH_BUCKET: bucket,
        CRASH_PREFIX: prefix,
        CRASH_RECORDS: String(RECORDS),
        ...hold,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    let stderr = "";
    let partial = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      partial += chunk.toString("utf8");
      const complete = partial.split("\n");
      partial = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        if (killWhen?.(line, lines)) child.kill("SIGKILL");
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ lines, code, signal, stderr }));
  });
}

/** Every visible object under the prefix parses whole, and no record is in two places. */
async function visibleRecords(): Promise<number[]> {
  const stored = await objects.readAll(bucket, prefix);
  const ids: number[] = [];
  for (const object of stored) {
    expect(object.key).toMatch(/^crash\/dt=2026-11-21\/hh=1[456]\/part-[^/]+\.jsonl$/);
    expect(object.text.endsWith("\n")).toBe(true);
    for (const line of object.text.split("\n").slice(0, -1))
      ids.push((JSON.parse(line) as { id: number }).id);
  }
  expect(new Set(ids).size).toBe(ids.length);
  return ids;
}

describe("s3Sink crash safety (a real child process, SIGKILLed)", () => {
  test("a crash mid-commit or between pre-commit and commit leaves no partial or duplicate object; after restart every record is there once", async () => {
    // 1: killed in the middle of committing its third checkpoint.
    const first = await runJob((line) => line === "committing 3");
    expect(first.signal, first.stderr).toBe("SIGKILL");
    const afterFirst = await visibleRecords();
    expect(afterFirst.length).toBeLessThan(RECORDS);

    // 2: restores, then is killed right after a pre-commit, before that checkpoint is committed.
    const second = await runJob(
      (line, lines) =>
        line.startsWith("pre-committed") && lines.filter((l) => l.startsWith("pre-committed")).length === 3,
    );
    expect(second.signal, second.stderr).toBe("SIGKILL");
    expect(second.lines[0]).toMatch(/^opened \d+$/);
    const afterSecond = await visibleRecords();
    expect(afterSecond.length).toBeGreaterThanOrEqual(afterFirst.length);

    // 3: restores and runs to the end.
    const third = await runJob();
    expect(third.code, third.stderr).toBe(0);
    expect(third.lines[0]).toMatch(/^opened \d+$/);
    expect(third.lines.at(-1)).toMatch(/^done \d+$/);
    const ids = await visibleRecords();
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
    expect(await objects.keys(bucket, "_eddy-staging/")).toEqual([]);
  }, 90_000);
});
