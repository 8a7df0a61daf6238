import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import { portOr } from "./ports.ts";

/** A request as the proxy received it, body read whole. */
export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A response as the stand-in sent it (or as the proxy makes it up). */
export interface ProxiedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * What to do with one request: pass it on untouched (`undefined`), answer it without passing it on
 * (`respond`, e.g. a throttling error the service returns before doing any work), or pass on a
 * possibly changed body and change the answer (`forward`, e.g. a partial failure: the proxy drops
 * some records from the request and reports them failed), or pass it on `repeat` more times once
 * it is answered (a request the client sent again because the answer to the first was lost: the
 * service does the work twice), answering with the last answer.
 */
export type FaultDecision =
  | undefined
  | { readonly respond: ProxiedResponse }
  | { readonly repeat: number }
  | {
      readonly forward: Buffer | undefined;
      readonly rewrite: (response: ProxiedResponse) => ProxiedResponse;
    };

/** A running proxy; `faults` counts requests it did not pass through untouched. */
export interface FaultProxy {
  readonly endpoint: string;
  readonly port: number;
  readonly stats: { requests: number; faults: number };
  /** Replaces the fault policy (e.g. none while a test sets up its table). */
  setPolicy(policy: (request: ProxiedRequest) => FaultDecision): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of a stand-in that injects the failures the real service produces:
 * throttling, partial batch failures, 5xx. Only for tests on loopback; the Host header is passed
 * on as sent, so signatures computed by the client still verify behind it.
 */
export async function startFaultProxy(options: {
  target: string;
  policy?: (request: ProxiedRequest) => FaultDecision;
  port?: number;
}): Promise<FaultProxy> {
  const target = new URL(options.target);
  let policy = options.policy ?? (() => undefined);
  const stats = { requests: 0, faults: 0 };
  const server: Server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const incoming: ProxiedRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      stats.requests++;
      const decision = policy(incoming);
      if (decision) stats.faults++;
      let response: ProxiedResponse;
      if (decision && "respond" in decision) {
        response = decision.respond;
      } else if (decision && "repeat" in decision) {
        response = await forward(target, incoming, incoming.body);
        for (let i = 0; i < decision.repeat; i++) response = await forward(target, incoming, incoming.body);
      } else {
        const body = decision?.forward ?? incoming.body;
        response = await forward(target, incoming, body);
        if (decision) response = decision.rewrite(response);
      }
      const headers: Record<string, string> = { ...response.headers };
      delete headers["transfer-encoding"];
      headers["content-length"] = String(response.body.byteLength);
      res.writeHead(response.status, headers);
      res.end(response.body);
    } catch (error) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`fault proxy: ${String(error)}`);
    }
  });
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
    stats,
    setPolicy(next) {
      policy = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(target: URL, incoming: ProxiedRequest, body: Buffer): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const headers: IncomingHttpHeaders = { ...incoming.headers, "content-length": String(body.byteLength) };
    delete headers["transfer-encoding"];
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
          }
          resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** A small deterministic PRNG (mulberry32), so a fault pattern can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
