import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A `redis-server` child process on a free port, for tests and benchmarks. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Data directory when started `durable` (append-only file, fsync every second). */
  readonly dir: string | undefined;
  /** SIGKILLs the server, as a crash would; `start()` brings it back on the same port. */
  kill(): Promise<void>;
  /** Starts it again after `kill()` or `stop()`, same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test that dies must not leave servers behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts `redis-server` on a free port (about 40 ms). With `durable`, data survives `kill()`:
 * append-only file, fsync every second, in a fresh temporary directory.
 */
export async function startRedisServer(options: { durable?: boolean } = {}): Promise<RedisServer> {
  const dir = options.durable ? mkdtempSync(join(tmpdir(), "eddy-redis-")) : undefined;
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      child = await spawnServer(port, dir);
      break;
    } catch (error) {
      // Another process may have taken the port between probing and binding.
      if (attempt >= 5) throw error;
    }
  }
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async kill() {
      if (child) await stopChild(child, "SIGKILL");
      child = undefined;
    },
    async start() {
      if (!child) child = await spawnServer(port, dir);
    },
    async stop() {
      if (child) await stopChild(child, "SIGTERM");
      child = undefined;
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

function spawnServer(port: number, dir: string | undefined): Promise<ChildProcess> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", ""];
  args.push(
    ...(dir ? ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", dir] : ["--appendonly", "no"]),
  );
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => fail(new Error(`redis-server on port ${port} did not start: ${output}`)),
      10_000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`redis-server on port ${port} exited (${code}): ${output}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        child.once("exit", () => running.delete(child));
        child.stdout?.removeAllListeners("data");
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const fallback = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => {
      clearTimeout(fallback);
      resolve();
    });
    child.kill(signal);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
