/// <reference path="./vendor-modules.d.ts" />
import kinesalite from "kinesalite";
import { listenOnLoopback } from "./in-process-server.ts";
import type { LocalKinesis } from "./kinesis.ts";

/**
 * Starts kinesalite in this process on 127.0.0.1: the fastest Kinesis stand-in (about 11k records/s
 * written, 24k/s read) for tests that need streams but not resharding events. Streams are created
 * and deleted at once. It lacks ChildShards, ShardFilter, UpdateShardCount and enhanced fan-out
 * (use {@link startLocalKinesis} for those), and an AT_TIMESTAMP iterator later than the last
 * record never answers. Kinesis clients need a `NodeHttpHandler` (HTTP/1.1).
 */
export function startKinesalite(options: { port?: number } = {}): Promise<LocalKinesis> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  return listenOnLoopback(server, options.port);
}
