import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The runner as `check` runs it: a child process, its exit code and what it prints.
const RUNNER = join(dirname(fileURLToPath(import.meta.url)), "run-together.ts");

function runTogether(...commands: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", RUNNER, ...commands], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
}

describe("run-together", () => {
  it("runs every command, prints each one's output whole, and fails naming those that failed", async () => {
    // The first command is slower than the other two: on two cores or more the runner starts it
    // first and prints it last, its two lines together although the others printed meanwhile.
    const { code, output } = await runTogether(
      "echo slow-1; sleep 1; echo slow-2",
      "echo broken; exit 3",
      "echo quick",
    );
    expect(code).toBe(1);
    expect(output).toMatch(/✓ echo slow-1; sleep 1; echo slow-2 \([\d.]+ s\)\nslow-1\nslow-2\n/);
    expect(output).toMatch(/✗ echo broken; exit 3 \([\d.]+ s\)\nbroken\n/);
    expect(output).toMatch(/✓ echo quick \([\d.]+ s\)\nquick\n/);
    if (availableParallelism() > 1) expect(output.indexOf("quick")).toBeLessThan(output.indexOf("slow-1"));
    expect(output).toMatch(/failed after [\d.]+ s: echo broken; exit 3\n$/);
  });

  it("exits 0 when every command passed", async () => {
    const { code, output } = await runTogether("true", "exit 0");
    expect(output).toMatch(/all 2 passed in [\d.]+ s\n$/);
    expect(code).toBe(0);
  });
});
