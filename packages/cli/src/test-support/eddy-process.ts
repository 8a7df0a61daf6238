import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Captured } from "./captured.ts";

const BIN = fileURLToPath(new URL("../bin.ts", import.meta.url));

/** Runs `eddy argv` as its own process (through tsx), as a user's shell would, with `env` added. */
export function eddyProcess(argv: readonly string[], env: Record<string, string> = {}): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", BIN, ...argv], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
  });
}
