import { join } from "node:path";
import { startChildServer } from "./child-process.ts";
import { packageDir } from "./package-dir.ts";
import { freePort, portOr } from "./ports.ts";

/** A running kinesis-local (the full Kinesis API: resharding, ChildShards, enhanced fan-out). */
export interface LocalKinesis {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts kinesis-local as a child process on 127.0.0.1 (plain HTTP/1.1; Kinesis clients need a
 * `NodeHttpHandler`, as the default HTTP/2 handler fails against it). Streams are created, split and
 * merged at once. It has been seen ignoring SIGTERM under load, hence the SIGKILL fallback on stop.
 */
export async function startLocalKinesis(options: { port?: number } = {}): Promise<LocalKinesis> {
  const port = await portOr(options.port);
  const tlsPort = await freePort();
  const dir = packageDir("kinesis-local");
  const child = await startChildServer("kinesis-local", process.execPath, [join(dir, "main.js")], {
    port,
    env: {
      KINESIS_MOCK_PLAIN_PORT: String(port),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      KINESIS_MOCK_CERT_PATH: join(dir, "server.json"),
      CREATE_STREAM_DURATION: "0ms",
      DELETE_STREAM_DURATION: "0ms",
      UPDATE_STREAM_DURATION: "0ms",
      SPLIT_SHARD_DURATION: "0ms",
      MERGE_SHARDS_DURATION: "0ms",
      REGISTER_STREAM_CONSUMER_DURATION: "0ms",
      DEREGISTER_STREAM_CONSUMER_DURATION: "0ms",
      LOG_LEVEL: "ERROR",
    },
    startTimeoutMs: 30_000,
  });
  return { endpoint: `http://127.0.0.1:${port}`, port, stop: () => child.stop(2_000) };
}
