import { createServer } from "node:http";

/** An order as the test endpoint takes it: a negative amount is refused. */
export interface Order {
  readonly id: string;
  readonly amount: number;
}

/** A webhook endpoint on a free local port, standing in for the service the sink posts to. */
export interface TestWebhook {
  readonly url: string;
  /** Every order it took, in arrival order. */
  readonly received: Order[];
  /** The status of every request it answered. */
  readonly statuses: number[];
  close(): Promise<void>;
}

/**
 * Starts an endpoint that takes JSON arrays of orders. Like a real one it fails now and then:
 * every `failEvery`-th request is answered 503 (taking nothing); a batch holding an order with a
 * negative amount is refused whole with 422.
 */
export async function startTestWebhook(options: { readonly failEvery?: number } = {}): Promise<TestWebhook> {
  const received: Order[] = [];
  const statuses: number[] = [];
  const answer = (status: number, body: string) => {
    statuses.push(status);
    return { status, body };
  };
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      const { status, body: reply } = handle(body);
      response.writeHead(status, { "content-type": "text/plain" }).end(reply);
    });
  });
  const handle = (body: string) => {
    if (options.failEvery !== undefined && (statuses.length + 1) % options.failEvery === 0) {
      return answer(503, "try again later");
    }
    const orders = JSON.parse(body) as Order[];
    const bad = orders.find((o) => o.amount < 0);
    if (bad) return answer(422, `order ${bad.id}: amount must not be negative`);
    received.push(...orders);
    return answer(200, "ok");
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/orders`,
    received,
    statuses,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
