/** One server-sent event. */
export interface ServerEvent {
  readonly event: string;
  readonly data: unknown;
}

/**
 * Reads server-sent events from `url` with fetch, as a page's EventSource would; `next()` resolves
 * with the next event. `close()` ends the connection.
 */
export async function openEvents(url: string): Promise<{ next(): Promise<ServerEvent>; close(): void }> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}`);
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    throw new Error(`GET ${url} is not an event stream: ${response.headers.get("content-type")}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const queued: ServerEvent[] = [];
  const next = async (): Promise<ServerEvent> => {
    for (;;) {
      const ready = queued.shift();
      if (ready) return ready;
      const { value, done } = await reader.read();
      if (done) throw new Error(`the event stream of ${url} ended`);
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) queued.push({ event, data: JSON.parse(data) });
        end = buffer.indexOf("\n\n");
      }
    }
  };
  return { next, close: () => abort.abort() };
}
