import type { Server } from "node:http";
import { portOr } from "./ports.ts";

/** An HTTP server of this process listening on 127.0.0.1. */
export interface InProcessServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts `server` on 127.0.0.1 at `port` (or a free port when that one is busy or not given);
 * `stop` drops open connections and closes it.
 */
export async function listenOnLoopback(server: Server, port?: number): Promise<InProcessServer> {
  const wanted = await portOr(port);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(wanted, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : wanted;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    port: actual,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
