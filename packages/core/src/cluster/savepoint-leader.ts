import type { Logger } from "../logging/logger.ts";
import type { Millis } from "../time/duration.ts";
import type { SavepointRequest } from "./job-savepoint.ts";
import { isFinished } from "./lease.ts";
import type { LeaderFence, LeaseStore, LeaseTableSnapshot } from "./lease-store.ts";

/** What {@link SavepointLeader} needs from its coordinator. */
export interface SavepointLeaderContext {
  readonly store: LeaseStore;
  readonly logger: Logger;
  readonly savepointTimeoutMs: Millis;
}

/**
 * The leader's side of a savepoint of the whole job: while a request is pending it completes it
 * as soon as every unfinished lease has a staged position, or fails it once it has been pending
 * for the savepoint timeout on this leader's clock (measured from when it first saw it, like a
 * handoff's age: clocks are never compared). The coordinator holds its balancing meanwhile, so
 * no lease moves but by failover.
 */
export class SavepointLeader {
  /** The pending request this leader watches, and since when (its own clock). */
  #watching: { readonly id: number; readonly since: Millis } | undefined;

  constructor(private readonly context: SavepointLeaderContext) {}

  /** Starts a leadership: the timeout of a pending request counts from now. */
  reset(): void {
    this.#watching = undefined;
  }

  /**
   * One pass at `now` over `snapshot`, under `fence`; resolves whether a request is still pending
   * (then leases must not be moved).
   */
  async run(snapshot: LeaseTableSnapshot, now: Millis, fence: LeaderFence): Promise<boolean> {
    const { store, logger, savepointTimeoutMs } = this.context;
    if (snapshot.savepoint?.state !== "pending" || !store.readSavepointRequest) return false;
    // Staging does not move the revision: read what is staged now.
    const request = await store.readSavepointRequest();
    if (request?.state !== "pending") return false;
    if (this.#watching?.id !== request.id) this.#watching = { id: request.id, since: now };
    const staged = new Set(request.staged);
    const missing = snapshot.leases.filter((lease) => !isFinished(lease) && !staged.has(lease.leaseKey));
    if (missing.length === 0 && store.completeSavepoint) {
      const done = await store.completeSavepoint({ leader: fence, id: request.id });
      if (done.ok) {
        logger.info(`savepoint "${request.name}" of the whole job is complete (request ${request.id})`);
        return false;
      }
      if (done.code !== "savepoint") return done.request?.state === "pending";
    }
    if (now - this.#watching.since < savepointTimeoutMs || !store.failSavepoint) return true;
    const message = timeoutMessage(
      request,
      missing.map((lease) => lease.leaseKey),
      savepointTimeoutMs,
    );
    const failed = await store.failSavepoint({ leader: fence, id: request.id, message });
    if (failed.ok) logger.warn(message);
    return !failed.ok && failed.request?.state === "pending";
  }
}

function timeoutMessage(request: SavepointRequest, missing: readonly string[], timeoutMs: Millis): string {
  const what = missing.length === 0 ? "" : `: no position of ${missing.join(", ")} was staged`;
  return `savepoint "${request.name}" of the whole job (request ${request.id}) timed out after ${timeoutMs / 1000} s${what}`;
}
