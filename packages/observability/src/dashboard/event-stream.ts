import type { ServerResponse } from "node:http";

/** How often an idle event stream sends a comment, so proxies do not close it. */
const KEEP_ALIVE_MS = 15_000;

/**
 * Server-sent events to every connected page: each event is written to all of them; a page that
 * goes away is dropped. Keep-alive comments run on a real timer: they are about the connection,
 * not about the job's time.
 */
export class EventStream {
  readonly #clients = new Set<ServerResponse>();
  readonly #keepAlive: NodeJS.Timeout;

  constructor() {
    this.#keepAlive = setInterval(() => {
      for (const client of this.#clients) client.write(": keep-alive\n\n");
    }, KEEP_ALIVE_MS);
    this.#keepAlive.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Starts an event stream on `response` and sends it `first` (e.g. the full state). */
  open(response: ServerResponse, first: { event: string; data: unknown }): void {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    // A page that loses the connection reconnects after 2 s and gets the full state again.
    response.write("retry: 2000\n\n");
    response.write(frame(first.event, JSON.stringify(first.data)));
    this.#clients.add(response);
    response.on("close", () => this.#clients.delete(response));
  }

  /** Sends one event to every page; the payload is serialized once. */
  broadcast(event: string, data: unknown): void {
    if (this.#clients.size === 0) return;
    const text = frame(event, JSON.stringify(data));
    for (const client of this.#clients) client.write(text);
  }

  close(): void {
    clearInterval(this.#keepAlive);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}

function frame(event: string, data: string): string {
  // JSON has no raw newlines, so the payload is one `data:` line.
  return `event: ${event}\ndata: ${data}\n\n`;
}
