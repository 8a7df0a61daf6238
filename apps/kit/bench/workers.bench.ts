/**
 * The kit's `--workers N` end to end, 1 against 2 worker processes: the window-counts test app
 * (a generator in 8 splits by key, keyed one-second windows, an idempotent sink of one file per
 * key and window) in embedded mode — leases held by the supervisor and served over IPC,
 * checkpoints every second in a directory — unpaced, EVENTS events. Prints the wall time from
 * starting the supervisor until it exits (start-up of tsx in every process included), the median
 * of RUNS runs each (alternating, so load from elsewhere falls on both alike), and the ratio.
 * Measured, never asserted. `packages/state/bench/cluster-workers.bench.ts` measures the same
 * split of work without the kit, with leases in Redis.
 *
 *   ./node_modules/.bin/tsx apps/kit/bench/workers.bench.ts [events] [runs]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const EVENTS = Number(process.argv[2] ?? 400_000);
const RUNS = Number(process.argv[3] ?? 3);
const APP = fileURLToPath(new URL("../src/testing/window-counts-app.ts", import.meta.url));
const UNPACED = "1000000000";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(workers: number, run: number): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), "eddy-workers-bench-"));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      APP,
      ...["--workers", String(workers), "--job", `bench-${workers}-${run}-${process.pid}`],
      ...["--checkpoints", join(directory, "checkpoints"), "--out", join(directory, "out")],
      ...["--events", String(EVENTS), "--rate", UNPACED, "--checkpoint-every", "1s"],
      ...["--progress", "off", "--log-level", "warn"],
    ],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const elapsed = performance.now() - started;
  rmSync(directory, { recursive: true, force: true });
  if (code !== 0) throw new Error(`--workers ${workers} exited with ${code}: ${stderr}`);
  return elapsed;
}

const figures = new Map<number, number[]>([
  [1, []],
  [2, []],
]);
for (let run = 0; run < RUNS; run++) {
  for (const workers of [1, 2]) figures.get(workers)!.push(await timed(workers, run));
}
const one = median(figures.get(1)!);
const two = median(figures.get(2)!);
console.log(`window-counts app, ${EVENTS} events, median of ${RUNS} runs (wall time, start-up included)`);
console.log(`  --workers 1: ${(one / 1000).toFixed(1)} s (${Math.round(EVENTS / (one / 1000))} events/s)`);
console.log(`  --workers 2: ${(two / 1000).toFixed(1)} s (${Math.round(EVENTS / (two / 1000))} events/s)`);
console.log(`  speed-up 2 vs 1: ${(one / two).toFixed(2)}x (target on 2 cores: >= 1.7x)`);
