import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import {
  createStreamAdmin,
  createStreamProxy,
  type KinesisConnection,
  type StreamAdmin,
} from "../kinesis-client.ts";

/**
 * Local Kinesis stand-ins for tests and benchmarks, started by the test itself on a free port:
 * `kinesalite` in-process (fast; no ChildShards, ShardFilter or fan-out), or `kinesis-local` as a
 * child process (everything, including fan-out; slower writes).
 */
export interface LocalKinesis {
  readonly kind: "kinesalite" | "kinesis-local";
  readonly endpoint: string;
  readonly connection: KinesisConnection;
  readonly admin: StreamAdmin;
  /** Creates a stream with a unique name; `stop` deletes it. */
  createStream(prefix: string, shards: number): Promise<string>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

const children = new Set<ChildProcess>();
// A test or benchmark that dies (or whose output pipe closes) must not leave servers behind.
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});
/** Kills `child` when this process exits (a test or benchmark that dies leaves nothing behind). */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export function connectionFor(endpoint: string): KinesisConnection {
  return {
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    subscribeHttpVersion: "1.1",
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function withStreams(
  kind: LocalKinesis["kind"],
  endpoint: string,
  shutdown: () => Promise<void>,
): LocalKinesis {
  const connection = connectionFor(endpoint);
  const admin = createStreamAdmin(connection);
  const streams: string[] = [];
  return {
    kind,
    endpoint,
    connection,
    admin,
    async createStream(prefix, shards) {
      const name = `${prefix}-${randomUUID().slice(0, 8)}`;
      await admin.createStream(name, shards);
      streams.push(name);
      return name;
    },
    async stop() {
      await Promise.allSettled(streams.map((s) => admin.deleteStream(s)));
      admin.close();
      await shutdown();
    },
  };
}

type KinesaliteFactory = (options: Record<string, unknown>) => Server;

/** Starts kinesalite in this process (about 20 ms). */
export async function startKinesalite(): Promise<LocalKinesis> {
  const kinesalite = require("kinesalite") as KinesaliteFactory;
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return withStreams("kinesalite", `http://127.0.0.1:${port}`, async () => {
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

/**
 * Starts kinesalite as a child process (for benchmarks: the server does not share the measured
 * process's event loop).
 */
export async function startKinesaliteProcess(): Promise<LocalKinesis> {
  const cli = join(dirname(require.resolve("kinesalite/package.json")), "cli.js");
  const port = await freePort();
  const args = [
    cli,
    "--port",
    String(port),
    "--createStreamMs",
    "0",
    "--deleteStreamMs",
    "0",
    "--updateStreamMs",
    "0",
    "--shardLimit",
    "100",
  ];
  const child = track(spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] }));
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`kinesalite exited (${code})`)));
    child.stdout?.once("data", () => resolve());
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return withStreams("kinesalite", `http://127.0.0.1:${port}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    await exited;
  });
}

/** Starts kinesis-local as a child process (about 1–2 s); stopped with SIGTERM, then SIGKILL. */
export async function startKinesisLocal(): Promise<LocalKinesis> {
  const dir = dirname(require.resolve("kinesis-local/package.json"));
  const port = await freePort();
  const tlsPort = await freePort();
  const child: ChildProcess = track(
    spawn(process.execPath, [join(dir, "main.js")], {
      env: {
        ...process.env,
        KINESIS_MOCK_PLAIN_PORT: String(port),
        KINESIS_MOCK_TLS_PORT: String(tlsPort),
        KINESIS_MOCK_CERT_PATH: join(dir, "server.json"),
        CREATE_STREAM_DURATION: "0ms",
        DELETE_STREAM_DURATION: "0ms",
        SPLIT_SHARD_DURATION: "0ms",
        MERGE_SHARDS_DURATION: "0ms",
        UPDATE_SHARD_COUNT_DURATION: "0ms",
        REGISTER_STREAM_CONSUMER_DURATION: "0ms",
        DEREGISTER_STREAM_CONSUMER_DURATION: "0ms",
        SHARD_LIMIT: "200",
        LOG_LEVEL: "ERROR",
      },
      stdio: ["ignore", "ignore", "pipe"],
    }),
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const local = withStreams("kinesis-local", endpoint, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 3_000).unref());
    // It has been seen to ignore SIGTERM under load.
    if ((await Promise.race([exited, timeout])) === "timeout") {
      child.kill("SIGKILL");
      await exited;
    }
  });
  const deadline = Date.now() + 30_000;
  // Up once it answers a call (one attempt, no retries) about a stream that does not exist.
  const probe = createStreamProxy(local.connection);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`kinesis-local exited (${child.exitCode}): ${stderr}`);
      try {
        await probe.streamArn("__probe__");
      } catch (error) {
        if ((error as { name?: string }).name === "ResourceNotFoundException") break;
        if (Date.now() > deadline) {
          await local.stop();
          throw new Error(`kinesis-local did not start in 30 s: ${String(error)} ${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    probe.close();
  }
  return local;
}
