// Runs the shell commands given as arguments side by side, at most one per core at a time, in the
// order given (put the longest first). Each command's output is kept and printed whole when it
// ends, so outputs never interleave. Exits 1 once all have ended if any failed, naming them. Part
// of `check`: the static checks and the build each use about one core and do not depend on one
// another, so on two cores they take about half the time they take one after the other.
//
//   tsx scripts/run-together.ts "tsc -p tsconfig.json" "biome ci ." …
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";

const commands = process.argv.slice(2);
if (commands.length === 0) {
  console.error('usage: run-together.ts "<command>" ["<command>" …]');
  process.exit(2);
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Runs one command through the shell; resolves to its exit code (1 when it died of a signal). */
function run(command: string): Promise<number> {
  const started = performance.now();
  const child = spawn(command, { shell: true, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    child.once("error", (error) => {
      console.log(`✗ ${command}: ${error.message}`);
      resolve(1);
    });
    child.once("close", (code) => {
      const output = Buffer.concat(chunks).toString().trimEnd();
      console.log(
        `${code === 0 ? "✓" : "✗"} ${command} (${seconds(started)})${output ? `\n${output}\n` : ""}`,
      );
      resolve(code ?? 1);
    });
  });
}

const queue = [...commands];
const failed: string[] = [];
async function lane(): Promise<void> {
  for (let command = queue.shift(); command !== undefined; command = queue.shift()) {
    if ((await run(command)) !== 0) failed.push(command);
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: Math.min(availableParallelism(), commands.length) }, lane));
if (failed.length > 0) {
  console.error(`failed after ${seconds(started)}: ${failed.join(" · ")}`);
  process.exit(1);
}
console.log(`all ${commands.length} passed in ${seconds(started)}`);
