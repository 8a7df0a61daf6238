import { Redis, type RedisOptions } from "ioredis";

/** How a store's connection behaves: the ioredis options a store sets unless the user's say otherwise. */
export interface ConnectionDefaults {
  readonly maxRetriesPerRequest: number;
  readonly connectTimeout: number;
  readonly commandTimeout: number;
  /** Delay before reconnect attempt n: 100·n ms, capped at this (ms). */
  readonly maxReconnectDelay: number;
}

/**
 * A lazily connecting client for a store, from a `redis://` URL or ioredis options (which win
 * over `defaults`), and the address for messages. `store` names the store in the error for an
 * ioredis `keyPrefix`: ioredis would prefix KEYS but not keys stored as values (savepoint pins,
 * index sets), so the stores take their own `prefix` instead.
 */
export function connect(
  connection: string | RedisOptions,
  defaults: ConnectionDefaults,
  store: string,
): { redis: Redis; description: string } {
  if (typeof connection !== "string" && connection.keyPrefix) {
    throw new Error(`${store}: use the store's \`prefix\` option instead of ioredis' \`keyPrefix\``);
  }
  const options: RedisOptions = {
    // Connect on first use, so creating a store (e.g. at import time) opens no socket yet.
    lazyConnect: true,
    maxRetriesPerRequest: defaults.maxRetriesPerRequest,
    connectTimeout: defaults.connectTimeout,
    commandTimeout: defaults.commandTimeout,
    retryStrategy: (times) => Math.min(100 * times, defaults.maxReconnectDelay),
  };
  const redis =
    typeof connection === "string"
      ? new Redis(connection, options)
      : new Redis({ ...options, ...connection });
  const { host, port, db, path, tls } = redis.options;
  const description = path
    ? `redis+unix://${path}`
    : `${tls ? "rediss" : "redis"}://${host}:${port}${db ? `/${db}` : ""}`;
  return { redis, description };
}

/** Closes `redis` (an open connection keeps the process alive); commands in flight fail. */
export async function disconnect(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  if (redis.status === "wait") {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
