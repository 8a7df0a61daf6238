/// <reference path="./vendor-modules.d.ts" />
import dynalite from "dynalite";
import { listenOnLoopback } from "./in-process-server.ts";

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
export function startLocalDynamoDb(options: { port?: number } = {}): Promise<LocalDynamoDb> {
  return listenOnLoopback(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }), options.port);
}
