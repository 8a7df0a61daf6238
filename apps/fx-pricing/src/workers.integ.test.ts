import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startApp } from "@eddy/local-stack/testing";
import { afterAll, expect, test } from "vitest";

// The embedded app (generated ticks, JSON-lines files) on one and on two worker processes: the
// job keys ticks by one `bySymbol` and re-keys the hour's results with reinterpretAsKeyed, so it
// runs co-partitioned, and the two workers together write exactly the records of one.

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "eddy-fx-workers-"));
afterAll(() => rm(root, { recursive: true, force: true }));

/** Every committed line of every stream's files, per stream, sorted: each worker writes files of its own. */
function committed(out: string): Record<string, string[]> {
  const streams: Record<string, string[]> = {};
  for (const stream of readdirSync(out).sort()) {
    const files = readdirSync(join(out, stream)).filter((f) => /^part-.*\.jsonl$/.test(f));
    streams[stream] = files
      .flatMap((f) => readFileSync(join(out, stream, f), "utf8").split("\n"))
      .filter((line) => line !== "")
      .sort();
  }
  return streams;
}

async function run(workers: number): Promise<{ files: Record<string, string[]>; output: string }> {
  const out = join(root, `out-${workers}`);
  const app = startApp(MAIN, {}, [
    ...["--workers", String(workers), "--job", `fx-workers-${workers}-${process.pid}`],
    ...["--sinks", "files", "--out", out, "--checkpoints", join(root, `checkpoints-${workers}`)],
    // Ten minutes of event time: bars close, alerts fire.
    ...["--ticks", "2400", "--rate", "max", "--checkpoint-every", "500ms"],
    ...["--progress", "off", "--log-level", "warn"],
  ]);
  expect(await app.exited, app.output()).toBe(0);
  return { files: committed(out), output: app.output() };
}

test("--workers 2 writes exactly the records of --workers 1", { timeout: 120_000 }, async () => {
  const [one, two] = await Promise.all([run(1), run(2)]);
  expect(Object.keys(one.files)).toEqual(["alerts", "bars", "dead-letters", "rows"]);
  expect(one.files.rows).toHaveLength(2400);
  expect(one.files.bars!.length).toBeGreaterThanOrEqual(8 * 9);
  expect(one.files.alerts!.length).toBeGreaterThan(0);
  // Two workers ran the job, and neither refused it. (Which splits each read depends on how far
  // apart they started: one that claims its record more than two polls after the other is handed
  // splits only at the next balancing round, which a short run may not reach.)
  expect(two.output).toMatch(
    /worker \S+-0 started[\s\S]*worker \S+-1 started|worker \S+-1 started[\s\S]*worker \S+-0 started/,
  );
  expect(two.output).not.toMatch(/runs on several workers/);
  expect(two.files).toEqual(one.files);
});
