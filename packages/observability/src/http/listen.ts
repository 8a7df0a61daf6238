import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Answers a request; returns false when the path is not its own (the next handler tries). */
export type RequestHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => boolean | Promise<boolean>;

/**
 * A running HTTP server of this package (the dashboard, the metrics endpoint).
 *
 * @example
 * const endpoint: HttpEndpoint = await serveMetrics(job, { port: 0 });
 * console.log(endpoint.url, endpoint.port);
 * await endpoint.close();
 */
export interface HttpEndpoint {
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** Stops listening and ends open connections (live event streams included). */
  close(): Promise<void>;
}

/**
 * Serves `handlers` (tried in order; 404 when none answers) on `host:port`. Port 0 picks a free
 * port. A handler that throws answers 500 with the error's message.
 */
export async function listen(
  owner: string,
  handlers: readonly RequestHandler[],
  { port, host }: { readonly port: number; readonly host: string },
): Promise<HttpEndpoint> {
  const server = createServer((request, response) => {
    void answer(handlers, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `${owner}: cannot listen on ${host}:${port} (${error.code ?? error.message}); pass another port, or 0 for a free one`,
          { cause: error },
        ),
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown === "0.0.0.0" ? "127.0.0.1" : shown}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function answer(
  handlers: readonly RequestHandler[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://localhost");
  try {
    for (const handler of handlers) {
      if (await handler(request, response, url)) return;
    }
    send(response, 404, "text/plain; charset=utf-8", `not found: ${url.pathname}\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!response.headersSent) send(response, 500, "text/plain; charset=utf-8", `${message}\n`);
    else response.destroy();
  }
}

/** Answers with `body` and the given status and content type; never cached. */
export function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
): void {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  response.end(body);
}
