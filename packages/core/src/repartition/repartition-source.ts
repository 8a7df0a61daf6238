import type { SplitId } from "../runtime/elements.ts";
import type { SourceEvent, SplittableSource } from "../runtime/source.ts";
import type { Key } from "../state/key-group.ts";
import type { UpstreamEnds } from "./upstream-ends.ts";

/** What {@link repartitionStreamSource} needs besides the channel's reader. */
export interface RepartitionStreamSourceOptions {
  /** The keyed operator's key: the stream was written at its key groups. */
  readonly keyOf: (value: unknown) => Key;
  /** The ends read per shard, shared with the stage's reader operator. */
  readonly ends: UpstreamEnds;
  /**
   * Resolves with every upstream split once each one's lease is finished in the upstream stage;
   * given only when the upstream source is bounded. Without it no shard ends for the job.
   */
  readonly upstreamFinished?: Promise<readonly string[]> | undefined;
}

const UPSTREAM_FINISHED: unique symbol = Symbol("upstream finished");

/**
 * The repartition stream as a downstream stage reads it: the channel's reader, co-partitioned with
 * the keyed operator by construction (`partitionKey` is its key), with the upstream ends read in
 * each shard kept in the shard's positions ({@link UpstreamEnds}).
 *
 * **A bounded upstream ends it.** Once every lease of the upstream stage is finished and the
 * `end` marker of every upstream split has been read in a shard, the shard is read to its end
 * for this job: it is reported `finished` (its lease then ends as a closed shard's, `SHARD_END`)
 * and nothing after it is handed on. Nothing is lost: in every shard a split's records precede its
 * `end` marker (see `docs/repartition.md`, "The writer"), so what follows the last `end` can only
 * be a duplicate — a replay or a retried put — which the reader's dedupe would drop, or a marker
 * that says nothing new. Once every shard the run reads has ended, the source ends, and the end of
 * input closes every window as in any bounded job. This is decided here, around any channel,
 * rather than in each channel: both halves of it — the envelopes and the upstream's lease table —
 * are core's, while a channel is just a log.
 *
 * It keeps the channel's `bounded` (false): its shards may have children (a resharded stream),
 * which a worker releases as soon as their parent is read to its end only for an unbounded source;
 * a shard without children is held until the run's own end either way.
 *
 * @example
 * const source = repartitionStreamSource(channel.reader(stream), { keyOf: byPage, ends: new UpstreamEnds() });
 * declare const channel: RepartitionChannel;
 * declare const stream: string;
 * declare function byPage(value: unknown): string;
 */
export function repartitionStreamSource(
  reader: SplittableSource<Uint8Array>,
  options: RepartitionStreamSourceOptions,
): SplittableSource<unknown> {
  const { keyOf, ends, upstreamFinished } = options;
  let upstream: readonly string[] | undefined;
  /** Ends the read waiting now, when the upstream finishes. */
  let wake: (() => void) | undefined;
  upstreamFinished?.then((splits) => {
    upstream = splits;
    wake?.();
  });
  /**
   * `read`, or {@link UPSTREAM_FINISHED} if the upstream finishes first. One waiter at a time, not
   * a race against the long-lived promise: each race would leave a reaction on it until it settles.
   */
  const untilUpstreamFinished = <T>(read: Promise<T>) =>
    new Promise<T | typeof UPSTREAM_FINISHED>((resolve, reject) => {
      wake = () => resolve(UPSTREAM_FINISHED);
      read.then(resolve, reject);
    }).finally(() => {
      wake = undefined;
    });
  return {
    name: reader.name,
    bounded: reader.bounded,
    partitionKey: keyOf,
    listSplits: (context) => reader.listSplits(context),
    awsAccess: reader.awsAccess ? () => reader.awsAccess!() : undefined,
    async open(context) {
      const generation = ends.reset();
      const inner = new Map<SplitId, unknown>();
      for (const [shard, position] of context.restoredPositions)
        inner.set(shard, ends.restore(shard, position));
      const channel = await reader.open({ ...context, restoredPositions: inner });
      // On one process (no assigned splits) the shards read are not known up front: none ends.
      const assigned = context.assignedSplits;
      /** Shards read to their end: closed in the log, or for this job. */
      const finished = new Set<SplitId>();
      let pending: Promise<SourceEvent<Uint8Array> | undefined> | undefined;
      /** A shard whose upstream has ended, reported finished at its latest position. */
      const nextEnded = (): SourceEvent<Uint8Array> | undefined => {
        if (upstream === undefined || assigned === undefined) return undefined;
        for (const shard of assigned) {
          if (finished.has(shard) || !ends.complete(shard, upstream)) continue;
          finished.add(shard);
          return { kind: "split-status", split: shard, status: "finished", position: ends.latest(shard) };
        }
        return undefined;
      };
      return {
        async next(): Promise<SourceEvent<unknown> | undefined> {
          for (;;) {
            // The reader has seen every batch handed on so far (it runs synchronously after the
            // source), so the ends of each shard are up to date here.
            const ended = nextEnded();
            if (ended) return ended;
            if (
              upstream !== undefined &&
              assigned !== undefined &&
              [...assigned].every((s) => finished.has(s))
            ) {
              return undefined;
            }
            pending ??= channel.next();
            const event = await (upstreamFinished && upstream === undefined
              ? untilUpstreamFinished(pending)
              : pending);
            if (event === UPSTREAM_FINISHED) continue;
            pending = undefined;
            if (event === undefined) return undefined;
            // A read of a stopped run, resolved after the next run started: nobody takes it.
            if (!ends.isCurrent(generation)) return event;
            // Read to its end for this job: what follows is a duplicate, or a marker saying nothing new.
            if (finished.has(event.split)) continue;
            if (event.kind === "split-status") {
              if (event.status === "finished") finished.add(event.split);
              return event.position === undefined
                ? event
                : { ...event, position: ends.position(event.split, event.position) };
            }
            return { ...event, position: ends.position(event.split, event.position) };
          }
        },
        millisBehindLatest: channel.millisBehindLatest ? () => channel.millisBehindLatest!() : undefined,
        close: () => channel.close?.(),
      };
    },
  };
}
