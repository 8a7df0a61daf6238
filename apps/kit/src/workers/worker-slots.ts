import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/** Worker slots this process claimed: released when it exits, however it exits short of SIGKILL. */
const claimed = new Set<string>();
let releaseOnExit = false;

/**
 * Stable worker ids for this machine: `<hostname>-<slot>`, slots counted from 0, each the lowest
 * one no live process of this machine holds for `job`. A slot is a file `<directory>/<slot>.pid`
 * created exclusively and holding the claimant's pid; one whose process is gone (a crash, a
 * SIGKILL) is free again. So a worker that restarts, after a crash or a deployment, gets its id
 * back — and with it, from the lease table, its leases — while a second copy of the command
 * started beside it gets the next id and joins the job as another worker.
 *
 * @example
 * claimWorkerIds(".eddy/workers/fx-pricing", 2); // ["ip-10-0-1-7-0", "ip-10-0-1-7-1"]
 */
export function claimWorkerIds(directory: string, count: number, host = hostname()): string[] {
  mkdirSync(directory, { recursive: true });
  const ids: string[] = [];
  for (let slot = 0; ids.length < count; slot++) {
    const path = join(directory, `${slot}.pid`);
    if (!claimSlot(path)) continue;
    claimed.add(path);
    ids.push(`${host}-${slot}`);
  }
  if (!releaseOnExit) {
    releaseOnExit = true;
    process.once("exit", releaseWorkerIds);
  }
  return ids;
}

/** Frees the slots this process claimed (done on exit by itself). */
export function releaseWorkerIds(): void {
  for (const path of claimed) {
    try {
      if (readFileSync(path, "utf8").trim() === String(process.pid)) unlinkSync(path);
    } catch {
      // Already gone: nothing to free.
    }
  }
  claimed.clear();
}

function claimSlot(path: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(readOrEmpty(path).trim());
    if (holder === process.pid || isAlive(holder)) return false;
    // The claimant died without freeing it: free it, then claim it like anyone (exclusively).
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return false;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
