import { randomUUID } from "node:crypto";
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
import { type InProcessServer, listenOnLoopback } from "../in-process-server.ts";
import { KeyLocks } from "./key-locks.ts";
import {
  conditionalRequestConflict,
  errorDocument,
  notImplemented,
  preconditionFailure,
  type S3ErrorAnswer,
} from "./preconditions.ts";
import { keysToDelete, type ObjectWrite, objectReadOf, objectWriteOf } from "./write-request.ts";

/** Hop-by-hop headers: they describe one connection and are not passed on. */
const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "expect"];

/**
 * S3's conditional writes in front of an S3 stand-in that ignores them (s3rver 3.7.1 stores a
 * `PutObject` whatever its `If-Match` or `If-None-Match` say). Every request passes through
 * unchanged, with the client's `Host` header, so signatures still verify, except that:
 *
 * - requests on one key (`GetObject`, `HeadObject`, `PutObject`, `CopyObject`, `DeleteObject`,
 *   `CompleteMultipartUpload`, and each key of a `DeleteObjects`) run one at a time, so a
 *   conditional write is checked and applied in one step, and a read sees an object whole, as on S3
 *   (s3rver rewrites an object's file in place: a read during a write fails or reads part of it);
 * - a conditional `PutObject` is checked against the object's current ETag first and refused the
 *   way S3 refuses it (see {@link preconditionFailure}): 412 `PreconditionFailed`, 404 `NoSuchKey`;
 * - a conditional `PutObject` that arrives while another write of its key is under way is answered
 *   409 `ConditionalRequestConflict` (S3 documents that answer for a conflicting operation during a
 *   conditional write; the client retries);
 * - conditional forms this layer does not implement (`CopyObject`, `DeleteObject`,
 *   `CompleteMultipartUpload` and `DeleteObjects` with preconditions) are refused with 501
 *   `NotImplemented` rather than carried out unconditionally.
 *
 * The precondition is checked before the stand-in sees the request, so a badly signed conditional
 * write that fails its precondition gets the precondition's error, not the signature's.
 */
export async function startS3ConditionalWrites(options: {
  /** The stand-in's endpoint, e.g. s3rver's `http://127.0.0.1:4572` (path-style buckets). */
  target: string;
  port?: number;
}): Promise<InProcessServer> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const locks = new KeyLocks();

  const currentEtag = async (path: string): Promise<string | undefined> => {
    const answer = await send(target, agent, { method: "HEAD", path });
    return answer.status === 200 ? answer.etag : undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    const write = objectWriteOf(method, req.url ?? "/", req.headers);
    if (write === undefined) {
      const read = objectReadOf(method, req.url ?? "/");
      if (read === undefined) return forward(target, agent, req, res);
      return locks.run([read], "read", () => forward(target, agent, req, res));
    }
    let keys = write.keys;
    let body: Buffer | undefined;
    if (write.operation === "DeleteObjects") {
      body = await readAll(req);
      const named = keysToDelete(body.toString("utf8"));
      if (named.conditional) return refuse(req, res, notImplemented("ETag"));
      keys = named.keys;
    }
    const locked = keys.map((key) => `${write.bucket}/${key}`);
    if (!isConditional(write)) {
      return locks.run(locked, "write", () => forward(target, agent, req, res, body));
    }
    const unsupported = unsupportedCondition(write);
    if (unsupported) return refuse(req, res, unsupported);
    if (locks.writing(locked[0]!)) return refuse(req, res, conditionalRequestConflict());
    return locks.run(locked, "write", async () => {
      const path = new URL(req.url ?? "/", "http://stand-in").pathname;
      const etag = await currentEtag(path);
      if (etag === undefined && write.ifMatch !== undefined && !(await bucketExists(path))) {
        // The stand-in says which bucket is missing.
        return forward(target, agent, req, res);
      }
      const failure = preconditionFailure(write, etag);
      if (failure) return refuse(req, res, failure);
      return forward(target, agent, req, res);
    });
  };

  const bucketExists = async (objectPath: string): Promise<boolean> => {
    const bucket = objectPath.split("/")[1] ?? "";
    return (await send(target, agent, { method: "HEAD", path: `/${bucket}` })).status === 200;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      answer(res, { status: 502, code: "InternalError", message: String(error), details: {} });
    });
  });
  const listening = await listenOnLoopback(server, options.port);
  return {
    ...listening,
    async stop() {
      await listening.stop();
      agent.destroy();
    },
  };
}

function isConditional(write: ObjectWrite): boolean {
  return write.ifMatch !== undefined || write.ifNoneMatch !== undefined;
}

function unsupportedCondition(write: ObjectWrite): S3ErrorAnswer | undefined {
  if (write.operation === "PutObject") return undefined;
  return notImplemented(write.ifMatch !== undefined ? "If-Match" : "If-None-Match");
}

/** Answers with an S3 error, reading the request's body away first so the connection stays usable. */
async function refuse(req: IncomingMessage, res: ServerResponse, error: S3ErrorAnswer): Promise<void> {
  if (!req.readableEnded) await readAll(req);
  answer(res, error);
}

function answer(res: ServerResponse, error: S3ErrorAnswer): void {
  const requestId = randomUUID().replaceAll("-", "").slice(0, 16).toUpperCase();
  const body = errorDocument(error, requestId);
  res.writeHead(error.status, {
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(body),
    "x-amz-request-id": requestId,
  });
  res.end(body);
}

/** Passes the request to the stand-in and its answer back, streaming both bodies. */
function forward(
  target: URL,
  agent: Agent,
  req: IncomingMessage,
  res: ServerResponse,
  body?: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: withoutHopByHop(req.headers),
        agent,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, withoutHopByHop(reply.headers));
        reply.pipe(res);
        reply.once("end", resolve);
        reply.once("error", reject);
      },
    );
    upstream.once("error", reject);
    if (body === undefined) req.pipe(upstream);
    else upstream.end(body);
  });
}

/** A request without a body to the stand-in: its status and ETag. */
function send(
  target: URL,
  agent: Agent,
  options: { method: string; path: string },
): Promise<{ status: number; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: target.hostname, port: target.port, agent, ...options }, (reply) => {
      reply.resume();
      reply.once("end", () => resolve({ status: reply.statusCode ?? 502, etag: reply.headers.etag }));
      reply.once("error", reject);
    });
    outgoing.once("error", reject);
    outgoing.end();
  });
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}
