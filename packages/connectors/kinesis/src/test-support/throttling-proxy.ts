import { createServer, request, type Server } from "node:http";

/** What the proxy did, for assertions. */
export interface ThrottleCounts {
  /** Calls answered with `ProvisionedThroughputExceededException` instead of being forwarded, per operation. */
  readonly throttledCalls: Record<string, number>;
  /** PutRecords entries removed from a forwarded call and reported as failed. */
  readonly failedEntries: number;
  readonly forwarded: number;
  /** Calls forwarded to the server, per operation. */
  readonly forwardedCalls: Record<string, number>;
}

export interface ThrottlingProxy {
  readonly endpoint: string;
  readonly counts: ThrottleCounts;
  stop(): Promise<void>;
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed by its seed. */
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

/**
 * An HTTP proxy in front of a Kinesis stand-in that plays an overloaded stream: a share
 * `callShare` of GetRecords and PutRecords calls is answered with HTTP 400
 * `ProvisionedThroughputExceededException` (or `options.error`) without reaching the server, and a share `entryShare`
 * of the entries of a forwarded PutRecords call is removed from the call and reported back as
 * failed (a partial failure, with nothing stored for those entries).
 */
export async function startThrottlingProxy(
  target: string,
  options: {
    callShare: number;
    entryShare: number;
    seed?: number;
    operations?: readonly string[];
    /** The error refused calls get (default `ProvisionedThroughputExceededException`). */
    error?: string;
  },
): Promise<ThrottlingProxy> {
  const random = seededRandom(options.seed ?? 42);
  const operations = new Set(options.operations ?? ["GetRecords", "PutRecords"]);
  const counts = {
    throttledCalls: {} as Record<string, number>,
    failedEntries: 0,
    forwarded: 0,
    forwardedCalls: {} as Record<string, number>,
  };
  const targetUrl = new URL(target);

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      const operation = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
      if (operations.has(operation) && random() < options.callShare) {
        counts.throttledCalls[operation] = (counts.throttledCalls[operation] ?? 0) + 1;
        const payload = JSON.stringify({
          __type: options.error ?? "ProvisionedThroughputExceededException",
          message: "Injected by the test proxy",
        });
        res.writeHead(400, {
          "content-type": "application/x-amz-json-1.1",
          "content-length": Buffer.byteLength(payload),
        });
        res.end(payload);
        return;
      }
      // Partial failure: drop some entries before forwarding, then report them failed in place.
      let dropped: boolean[] | undefined;
      if (operation === "PutRecords" && options.entryShare > 0) {
        const request = JSON.parse(body.toString("utf8")) as { Records: unknown[] };
        dropped = request.Records.map(() => random() < options.entryShare);
        if (dropped.every(Boolean)) dropped[0] = false;
        request.Records = request.Records.filter((_, i) => !dropped![i]);
        body = Buffer.from(JSON.stringify(request));
      }
      counts.forwarded++;
      counts.forwardedCalls[operation] = (counts.forwardedCalls[operation] ?? 0) + 1;
      const headers = { ...req.headers, host: targetUrl.host, "content-length": String(body.length) };
      const upstream = request(
        { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers },
        (up) => {
          const parts: Buffer[] = [];
          up.on("data", (c: Buffer) => parts.push(c));
          up.on("end", () => {
            let payload = Buffer.concat(parts);
            if (dropped && up.statusCode === 200) {
              const answer = JSON.parse(payload.toString("utf8")) as {
                FailedRecordCount: number;
                Records: unknown[];
              };
              const stored = answer.Records;
              let next = 0;
              answer.Records = dropped.map((isDropped) =>
                isDropped
                  ? {
                      ErrorCode: "ProvisionedThroughputExceededException",
                      ErrorMessage: "Rate exceeded for shard (injected by the test proxy)",
                    }
                  : stored[next++],
              );
              const failed = dropped.filter(Boolean).length;
              counts.failedEntries += failed;
              answer.FailedRecordCount = (answer.FailedRecordCount ?? 0) + failed;
              payload = Buffer.from(JSON.stringify(answer));
            }
            const outHeaders = { ...up.headers, "content-length": String(payload.length) };
            delete outHeaders["transfer-encoding"];
            res.writeHead(up.statusCode ?? 500, outHeaders);
            res.end(payload);
          });
        },
      );
      upstream.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
