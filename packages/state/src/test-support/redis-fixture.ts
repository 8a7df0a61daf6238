import { type BlobRef, type Logger, silentLogger } from "@eddy/core";
import { Redis } from "ioredis";
import { RedisCheckpointStore, type RedisCheckpointStoreOptions } from "../redis-checkpoint-store.ts";
import type { RedisServer } from "./redis-server.ts";

/** A raw client for a test to look at and tamper with what the store wrote. */
export function rawClient(server: RedisServer): Redis {
  return new Redis(server.url, { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** A store on `server` that logs nowhere unless given a logger. */
export function storeOn(
  server: RedisServer,
  options: RedisCheckpointStoreOptions & { logger?: Logger } = {},
): RedisCheckpointStore {
  return new RedisCheckpointStore(server.url, { logger: silentLogger, ...options });
}

/** Flips the first byte of a stored blob. */
export async function corruptBlob(redis: Redis, store: RedisCheckpointStore, ref: BlobRef): Promise<void> {
  const key = store.keys.blob(ref);
  const bytes = await redis.getrangeBuffer(key, 0, 0);
  if (bytes.length === 0) throw new Error(`no blob at ${key}`);
  await redis.setrange(key, 0, Buffer.from([bytes[0]! ^ 0xff]));
}

/** Records log lines by level. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  };
}
