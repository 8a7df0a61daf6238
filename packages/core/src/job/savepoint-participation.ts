import type { SavepointRequest } from "../cluster/job-savepoint.ts";
import type { Logger } from "../logging/logger.ts";
import type { Clock } from "../time/clock.ts";
import type { Millis } from "../time/duration.ts";

/** What one run of a worker offers a savepoint of the whole job. */
export interface SavepointableRun {
  /** The splits the run reads. */
  readonly leaseKeys: readonly string[];
  /** Takes the run's savepoint `name`, published tagged with request `id`. */
  savepoint(name: string, id: number): Promise<void>;
}

/**
 * One worker's part in savepoints of the whole job (see `docs/scale-out.md`): while a request is
 * pending, each run of the worker takes a savepoint of its splits, published tagged with the
 * request (which stages their positions and key groups), and then the worker **pauses**: it stops
 * its pipeline and starts none over the same splits until the request is completed or failed, or
 * until the savepoint timeout on its own clock. So no split moves past its staged position while
 * the others are savepointed. A split the worker gets meanwhile (a failover) makes it run and
 * savepoint again. A request completed with `stop` that this worker saw pending stops it.
 */
export class SavepointParticipation {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #workerId: string;
  readonly #timeoutMs: Millis;
  #pending: SavepointRequest | undefined;
  /** The request this worker saw pending last, whatever became of it. */
  #seenPending: number | undefined;
  #paused: { readonly id: number; readonly leaseKeys: string; readonly since: Millis } | undefined;
  #stop = false;

  constructor(settings: { clock: Clock; logger: Logger; workerId: string; timeoutMs: Millis }) {
    this.#clock = settings.clock;
    this.#logger = settings.logger;
    this.#workerId = settings.workerId;
    this.#timeoutMs = settings.timeoutMs;
  }

  /** Whether a request completed with `stop` ends this worker. */
  get stopsWorker(): boolean {
    return this.#stop;
  }

  /** The job's request changed (a `savepoint` lease event). */
  observe(request: SavepointRequest): void {
    if (request.state === "pending") {
      this.#pending = request;
      this.#seenPending = request.id;
      return;
    }
    if (this.#pending?.id === request.id) this.#pending = undefined;
    if (this.#paused?.id === request.id) this.#paused = undefined;
    if (request.state === "completed" && request.stop && this.#seenPending === request.id) this.#stop = true;
    if (request.state === "failed" && this.#seenPending === request.id) {
      this.#logger.warn(`"${this.#workerId}" resumes: ${request.message ?? "the savepoint failed"}`);
    }
  }

  /** Whether the worker holds back a run over `leaseKeys`: it savepointed them for the pending request. */
  paused(leaseKeys: readonly string[]): boolean {
    const paused = this.#paused;
    if (!paused || paused.id !== this.#pending?.id || paused.leaseKeys !== keysOf(leaseKeys)) return false;
    return !this.resumeDue();
  }

  /** Whether a pause has lasted the savepoint timeout: the worker resumes without waiting for the leader. */
  resumeDue(): boolean {
    const paused = this.#paused;
    if (!paused || this.#clock.now() - paused.since < this.#timeoutMs) return false;
    this.#logger.warn(
      `"${this.#workerId}" resumes after ${this.#timeoutMs / 1000} s paused for savepoint request ${paused.id}, which is not complete`,
    );
    this.#paused = undefined;
    return true;
  }

  /**
   * If a request is pending and `run` has not savepointed for it, takes the run's savepoint for
   * it; resolves `true` when it did, and the worker is now paused (stop the run).
   */
  async takePart(run: SavepointableRun): Promise<boolean> {
    const request = this.#pending;
    if (!request || run.leaseKeys.length === 0) return false;
    const leaseKeys = keysOf(run.leaseKeys);
    if (this.#paused?.id === request.id && this.#paused.leaseKeys === leaseKeys) return false;
    try {
      await run.savepoint(request.name, request.id);
    } catch (error) {
      this.#logger.warn(
        `"${this.#workerId}" could not savepoint ${run.leaseKeys.join(", ")} for savepoint "${request.name}" (request ${request.id}): ${(error as Error).message}`,
      );
      return false;
    }
    // The request may have ended while the savepoint was taken.
    if (this.#pending?.id !== request.id) return false;
    this.#paused = { id: request.id, leaseKeys, since: this.#clock.now() };
    this.#logger.info(
      `"${this.#workerId}" savepointed ${run.leaseKeys.join(", ")} for savepoint "${request.name}" and pauses until it is complete`,
    );
    return true;
  }
}

function keysOf(leaseKeys: readonly string[]): string {
  return JSON.stringify([...leaseKeys].sort());
}
