import { type ChildProcess, spawn } from "node:child_process";

/** How a worker process ended, with everything it printed. */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** One job worker running as a child process, for crash tests that kill (SIGKILL) or pause (SIGSTOP) it. */
export interface WorkerProcess {
  /** The worker's id (`"single"` for a process that runs the whole job). */
  readonly id: string;
  readonly child: ChildProcess;
  /** Settles when the process exits, however it exits. */
  readonly exit: Promise<WorkerExit>;
}

/**
 * Starts `script` (TypeScript, run through tsx) with `args` as one process of a job, keeping
 * all it prints for the test's messages.
 *
 * @example
 * const worker = startWorkerProcess({ id: "w0", script: "cluster-worker.ts", args: [redisUrl, "job-1"] });
 * worker.child.kill("SIGKILL");
 * const { signal } = await worker.exit; // "SIGKILL"
 */
export function startWorkerProcess(options: {
  readonly id: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", options.script, ...options.args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exit = new Promise<WorkerExit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, output })),
  );
  return { id: options.id, child, exit };
}
