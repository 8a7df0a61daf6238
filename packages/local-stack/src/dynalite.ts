/// <reference path="./vendor-modules.d.ts" />
import type { Server } from "node:http";
import dynalite from "dynalite";
import { portOr } from "./ports.ts";

/** A running dynalite (DynamoDB's JSON protocol, tables in memory). */
export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts dynalite in this process on 127.0.0.1. Tables are created, updated and deleted at once
 * (no CREATING state to wait for). No transactions or TTL.
 */
export async function startLocalDynamoDb(options: { port?: number } = {}): Promise<LocalDynamoDb> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const wanted = await portOr(options.port);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(wanted, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : wanted;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
