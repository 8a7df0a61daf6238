import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import { eventually } from "@eddy/core/testing";
import { freePort, track } from "./local-kinesis.ts";

/**
 * Child processes for the repartition process tests and benchmarks: a `redis-server` of their own
 * (they pause and kill workers; the shared Redis stays out of it) and worker scripts run with tsx.
 */

/** A `redis-server` on a free port, nothing kept on disk. */
export interface IsolatedRedis {
  readonly url: string;
  stop(): void;
}

export async function startIsolatedRedis(): Promise<IsolatedRedis> {
  const port = await freePort();
  const child = track(
    spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    ),
  );
  await eventually(() => listening(port), { what: "redis-server to listen" });
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill("SIGKILL") };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A worker script running as a child process; `exit` resolves with how it ended and the last 20 kB it printed. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  /** What it printed so far (the last 20 kB). */
  output(): string;
}

export function startWorkerProcess(script: string, args: readonly string[]): WorkerProcess {
  const child = track(
    spawn(process.execPath, ["--import", import.meta.resolve("tsx"), script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    }),
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
    (resolve) => child.once("exit", (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exit, output: () => output };
}

/** SIGKILLs every worker (a stopped one too) and returns their output, labelled, for a failure's report. */
export async function killAll(workers: ReadonlyMap<string, WorkerProcess>): Promise<string> {
  const logs = await Promise.all(
    [...workers].map(async ([id, w]) => {
      w.child.kill("SIGKILL");
      return `--- ${id}\n${(await w.exit).output}`;
    }),
  );
  return logs.join("\n");
}
