import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { eventually } from "@eddy/core/testing";
import { startWorkerProcess } from "@eddy/local-stack";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";

// One process running the whole job, SIGTERMed mid-stream: it stops exactly at its final
// savepoint, so the process started after it writes every window result exactly once to an
// at-least-once sink. On the shared Redis, under names of its own.

const WORKER = fileURLToPath(new URL("cluster-worker.ts", import.meta.url));
const URL_ = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const RECORDS = 24_000;

let client: Redis;
beforeAll(() => {
  client = new Redis(URL_);
});
afterAll(() => {
  client?.disconnect();
});

/** The job's results, worked out here from cluster-worker.ts's records: `key|windowStart` → `count/sum`. */
function expectedResults(): Record<string, string> {
  const totals = new Map<string, { count: number; sum: number }>();
  for (let i = 0; i < RECORDS; i++) {
    const field = `k${(i * 31) % 53}|${Math.floor(i / 1_000) * 1_000}`;
    const total = totals.get(field) ?? { count: 0, sum: 0 };
    total.count++;
    total.sum += (i * 7) % 11;
    totals.set(field, total);
  }
  return Object.fromEntries([...totals].map(([field, t]) => [field, `${t.count}/${t.sum}`]));
}

test("a single process SIGTERMed mid-stream stops at its savepoint; restarted, it writes every result exactly once", async () => {
  const job = `graceful-stop-${randomUUID()}`;
  const start = (rate: number) =>
    startWorkerProcess({
      id: "single",
      script: WORKER,
      args: [URL_, job, `${job}:results`, String(RECORDS), String(rate)],
      env: { EDDY_TEST_WRITES: `${job}:writes`, EDDY_TEST_GRACEFUL: "1" },
    });
  try {
    const first = start(8_000);
    await eventually(async () => (await client.hlen(`${job}:writes`)) > 0, {
      what: "the first process to write results",
      timeoutMs: 15_000,
    });
    first.child.kill("SIGTERM");
    const stopped = await first.exit;
    expect(stopped.code, stopped.output).toBe(0);
    expect(stopped.output).toContain("stopped");
    const writtenBefore = await client.hlen(`${job}:writes`);

    const second = await start(1_000_000).exit;
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain("finished");

    const expected = expectedResults();
    expect(writtenBefore).toBeLessThan(Object.keys(expected).length);
    const writes = await client.hgetall(`${job}:writes`);
    expect(Object.entries(writes).filter(([, n]) => n !== "1")).toEqual([]);
    expect(await client.hgetall(`${job}:results`)).toEqual(expected);
  } finally {
    const keys = await client.keys(`*${job}*`);
    if (keys.length > 0) await client.del(...keys);
  }
}, 30_000);
