import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type CheckpointManifest, type Job, PipelineDefinitionError } from "@eddy/core";
import { type RequestHandler, send } from "./listen.ts";

/**
 * Control endpoints of a running job: off unless enabled, and every request must carry the token.
 *
 * @example
 * const control: ControlOptions = { token: process.env.EDDY_CONTROL_TOKEN ?? "" };
 * const metrics = await serveMetrics(job, { control });
 */
export interface ControlOptions {
  /**
   * The bearer token a request must send (`Authorization: Bearer <token>`): at least 16
   * characters. Keep it out of code and logs (an environment variable or a secret store).
   */
  readonly token: string;
}

/** Shortest token accepted: guessing 16 random characters is out of reach. */
const MIN_TOKEN_LENGTH = 16;

/** Checks the control settings before anything listens; throws the one message a user needs. */
export function checkControlOptions(owner: string, control: ControlOptions | undefined): void {
  if (control === undefined) return;
  if (typeof control.token !== "string" || control.token.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `${owner}: control endpoints need a bearer token of at least ${MIN_TOKEN_LENGTH} characters (control.token, e.g. from EDDY_CONTROL_TOKEN); without one they stay off`,
    );
  }
}

/**
 * Routes the control endpoints:
 * - `POST /savepoints` (optional JSON body `{ "name": "…" }`) takes a savepoint and answers
 *   `{ checkpointId, name }` once it is stored;
 * - `POST /stop` (`?savepoint=true` to take one first) stops the job and answers 202.
 * A request without the right `Authorization: Bearer <token>` gets 401, and nothing happens.
 */
export function controlRoutes(job: Job, control: ControlOptions): RequestHandler {
  const expected = digest(control.token);
  return async (request, response, url) => {
    if (url.pathname !== "/savepoints" && url.pathname !== "/stop") return false;
    if (request.method !== "POST") {
      send(response, 405, "text/plain; charset=utf-8", `${url.pathname} takes POST\n`);
      return true;
    }
    if (!authorized(request, expected)) {
      response.setHeader("www-authenticate", 'Bearer realm="eddy"');
      send(response, 401, "text/plain; charset=utf-8", "missing or wrong bearer token\n");
      return true;
    }
    if (url.pathname === "/savepoints") {
      const name = await savepointName(request);
      if (name instanceof Error) {
        send(response, 400, "text/plain; charset=utf-8", `${name.message}\n`);
        return true;
      }
      let manifest: CheckpointManifest;
      try {
        manifest = await job.savepoint(name);
      } catch (error) {
        // Not running, or no checkpoint store: the job's state forbids it, the request was fine.
        if (!(error instanceof PipelineDefinitionError)) throw error;
        send(response, 409, "text/plain; charset=utf-8", `${error.message}\n`);
        return true;
      }
      send(
        response,
        200,
        "application/json",
        JSON.stringify({ checkpointId: manifest.checkpointId, name: manifest.savepointName }),
      );
      return true;
    }
    const savepoint = url.searchParams.get("savepoint") === "true";
    send(response, 202, "application/json", JSON.stringify({ job: job.name, stopping: true, savepoint }));
    void job.stop({ savepoint });
    return true;
  };
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/** Compares digests in constant time, so the answer's timing tells nothing about the token. */
function authorized(request: IncomingMessage, expected: Buffer): boolean {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]!.trim()), expected);
}

/** The savepoint's name from the request's JSON body (none when the body is empty), or what is wrong with it. */
async function savepointName(request: IncomingMessage): Promise<string | undefined | Error> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return undefined;
  let body: { name?: unknown };
  try {
    body = JSON.parse(text) as { name?: unknown };
  } catch {
    return new Error(
      `POST /savepoints: the body must be JSON like {"name": "before-upgrade"}, got ${text.slice(0, 80)}`,
    );
  }
  if (body.name !== undefined && typeof body.name !== "string") {
    return new Error(`POST /savepoints: "name" must be a string, got ${JSON.stringify(body.name)}`);
  }
  return body.name;
}
