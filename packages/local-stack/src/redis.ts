import { startChildServer } from "./child-process.ts";
import { portOr } from "./ports.ts";

/** A running redis-server. */
export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` (it must be on the PATH) on 127.0.0.1, keeping nothing on disk, so a test
 * or the stack has a Redis of its own that it may also kill.
 */
export async function startLocalRedis(options: { port?: number } = {}): Promise<LocalRedis> {
  const port = await portOr(options.port);
  const child = await startChildServer(
    "redis-server",
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { port },
  );
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => child.stop() };
}
