import type { SavepointRequest } from "./job-savepoint.ts";
import type { Lease } from "./lease.ts";

/**
 * Why the leader gave a lease to a worker directly instead of by a graceful handoff: nobody held
 * it (`unowned`), its counter stood still for the failover time (`expired`), its holder's worker
 * record did (`owner-dead`, or the holder left), or its holder did not release it within the
 * handoff timeout (`handoff-timeout`).
 *
 * @example
 * const failovers = (events: LeaseEvent[]) =>
 *   events.filter((e) => e.type === "assigned" && e.reason !== ("unowned" satisfies AssignmentReason)).length;
 */
export type AssignmentReason = "unowned" | "expired" | "owner-dead" | "handoff-timeout";

/**
 * What a {@link LeaseCoordinator} tells the runtime and observers, in the order it happens.
 *
 * For the worker that runs the splits:
 * - `acquired`: the worker now holds `lease`; start reading its split from `lease.checkpoint` and
 *   restore the state of `lease.keyGroups`.
 * - `handoffRequested`: the leader moves `lease` to `to`; finish the batch in hand, checkpoint
 *   (publish), then {@link LeaseCoordinator.release} it. Until then the worker still holds it.
 * - `lost`: the worker no longer holds `lease` (another took it, or it could not renew it for the
 *   lease duration); stop its split at once — its publishes are refused from now on.
 * - `superseded`: another process started with this worker id; every lease is lost and the
 *   coordinator has stopped. The process is a zombie: stop the job (it may start afresh).
 * - `savepoint`: the job's savepoint request is new or changed state (`pending`: savepoint the
 *   splits held and publish it tagged with `request.id`; `completed` or `failed`: resume).
 *
 * For observers (metrics, the dashboard):
 * - `leadership`: this worker became (`true`) or stopped being (`false`) the leader.
 * - `assigned`: as leader, gave a lease to a worker directly (it was unowned, expired, its owner
 *   dead, or its handoff timed out) — a failover when the lease had a holder.
 * - `handoffStarted`: as leader, began moving a lease to balance the load, in balancing round `round`.
 *
 * @example
 * coordinator.events.subscribe((event) => {
 *   if (event.type === "acquired") console.log(`reading ${event.lease.leaseKey} from ${event.lease.checkpoint}`);
 *   if (event.type === "lost") console.log(`stopped ${event.lease.leaseKey}: ${event.reason}`);
 * });
 * declare const coordinator: LeaseCoordinator;
 */
export type LeaseEvent =
  | {
      /** This worker took a lease. */
      readonly type: "acquired";
      /** The lease as taken: its checkpoint is where the split resumes. */
      readonly lease: Lease;
    }
  | {
      /** The leader moves a lease this worker holds. */
      readonly type: "handoffRequested";
      /** The lease as this worker holds it. */
      readonly lease: Lease;
      /** The worker it goes to. */
      readonly to: string;
    }
  | {
      /** This worker no longer holds a lease. */
      readonly type: "lost";
      /** The lease as this worker last held it. */
      readonly lease: Lease;
      /** Why, as a sentence. */
      readonly reason: string;
    }
  | {
      /** A newer process of this worker id exists; this one stopped. */
      readonly type: "superseded";
      /** Why, as a sentence. */
      readonly reason: string;
    }
  | {
      /** This worker's leadership began or ended. */
      readonly type: "leadership";
      /** Whether it leads now. */
      readonly leader: boolean;
      /** The fencing token of the leadership that began or ended. */
      readonly token: number;
    }
  | {
      /** As leader, this worker gave a lease to a worker directly. */
      readonly type: "assigned";
      /** The lease. */
      readonly leaseKey: string;
      /** Who held it before (`undefined`: nobody). */
      readonly from: string | undefined;
      /** The worker it now belongs to. */
      readonly to: string;
      /** Why it was assigned rather than handed over. */
      readonly reason: AssignmentReason;
    }
  | {
      /** As leader, this worker began a graceful handoff to balance the load. */
      readonly type: "handoffStarted";
      /** The lease. */
      readonly leaseKey: string;
      /** The worker that holds it until it releases it. */
      readonly from: string;
      /** The worker that takes it after the release. */
      readonly to: string;
      /** The leader's balancing round (at most `maxMovesPerRound` handoffs start in one). */
      readonly round: number;
    }
  | {
      /** The savepoint request of the whole job was made, completed or failed. */
      readonly type: "savepoint";
      /** The request as the lease table shows it now. */
      readonly request: SavepointRequest;
    };
