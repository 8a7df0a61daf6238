import type { Job } from "@eddy/core";
import { type RequestHandler, send } from "./listen.ts";

/**
 * Routes `GET /healthz` and `GET /readyz`, for a container orchestrator's probes:
 * - `/healthz` (liveness) answers 200 while the process serves and its job has not failed, 503
 *   once it failed (a restart is what it needs);
 * - `/readyz` (readiness) answers 200 once the job has restored its checkpoint and runs, 503
 *   before (restoring) and after (finished, stopped, failed).
 * Both answer a small JSON body: `{ "job", "status" }`.
 */
export function healthRoutes(job: Job): RequestHandler {
  return (request, response, url) => {
    if (request.method !== "GET") return false;
    const status = job.metrics.status;
    const body = (ok: boolean) => JSON.stringify({ job: job.name, status, ok });
    if (url.pathname === "/healthz") {
      const alive = status !== "failed";
      send(response, alive ? 200 : 503, "application/json", body(alive));
      return true;
    }
    if (url.pathname === "/readyz") {
      const ready = status === "running";
      send(response, ready ? 200 : 503, "application/json", body(ready));
      return true;
    }
    return false;
  };
}
