/**
 * Runs the benchmarks named on the command line (default: all), each in its own process with room
 * for its data and an exposed GC. Benchmarks print figures; they never fail on time.
 *
 *   npm run bench -- window over
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const benches: Record<string, string> = {
  window: "window-throughput.ts",
  over: "over-throughput.ts",
  checkpoint: "checkpoint-throughput.ts",
  metrics: "metrics-overhead.ts",
};
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(benches);
for (const name of chosen) {
  const file = benches[name];
  if (!file) {
    console.error(`unknown benchmark "${name}"; choose from ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  const path = fileURLToPath(new URL(file, import.meta.url));
  const result = spawnSync(
    process.execPath,
    ["--expose-gc", "--max-old-space-size=8192", "--import", "tsx", path],
    {
      stdio: "inherit",
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
