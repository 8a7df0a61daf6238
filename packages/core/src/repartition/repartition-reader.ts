import type { OperatorFactory } from "../runtime/operator.ts";
import { type Key, keyGroupOf } from "../state/key-group.ts";
import type { OpaqueKeyGroupSnapshot } from "../state/keyed-heap.ts";
import type { Serde } from "../state/serde.ts";
import { decodeEnvelope } from "./envelope.ts";
import { ShuffleDedupe } from "./shuffle-dedupe.ts";
import type { UpstreamEnds } from "./upstream-ends.ts";
import { UpstreamWatermarks } from "./upstream-watermarks.ts";

/** How often a reader looks whether the whole upstream stage has finished (ms). */
const UPSTREAM_RECHECK_MS = 1_000;

/**
 * The first operator of a downstream stage: decodes the messages of the repartition stream,
 * applies each record once ({@link ShuffleDedupe}, keyed state of the record's key group) and
 * hands its value on with its event time; derives the stage's watermark from the upstream
 * markers ({@link UpstreamWatermarks}; a status marker of an upstream split's older run, read after
 * one of a newer run, is ignored). A message no writer wrote fails like a record that
 * throws (to the operator's error output, else the job). Each `end` marker it reads is recorded in
 * `ends`, kept in the shard's position: a run restored after it knows the split ended there, and
 * at which watermark, and a bounded upstream's end ends the shard (`repartitionStreamSource`).
 */
export function repartitionReaderOperator(options: {
  readonly keyOf: (value: unknown) => Key;
  readonly serde: Serde<unknown>;
  /** Upstream splits not yet finished, when the pipeline starts: each holds event time until it is heard of. */
  readonly upstreamSplits: () => readonly string[];
  /** The ends read per shard, shared with the stage's source (it runs right before this operator). */
  readonly ends: UpstreamEnds;
  /** The source node's id: the driver prefixes shard ids with it (`<source>/<shard>`). */
  readonly sourceId: string;
}): OperatorFactory<Uint8Array, unknown> {
  const { keyOf, serde, upstreamSplits, ends, sourceId } = options;
  const shardOf = (split: string) =>
    split.startsWith(`${sourceId}/`) ? split.slice(sourceId.length + 1) : split;
  return (context, output) => {
    const dedupe = new ShuffleDedupe();
    const watermarks = new UpstreamWatermarks();
    /** The shard each key group's records come from (learned from them): whose markers raise its floors. */
    const groupsOfShard = new Map<string, Set<number>>();
    const shards = new Set<string>();
    let emitted = Number.NEGATIVE_INFINITY;
    let listed: readonly string[] | undefined;
    let unfinished = new Set<string>();
    const addShard = (shard: string) => {
      if (shards.has(shard)) return;
      watermarks.addShard(shard);
      shards.add(shard);
      // Ends read before the position this run restored: their markers are not read again.
      for (const [split, at] of ends.of(shardOf(shard))) {
        watermarks.advance(shard, [split], at);
        watermarks.mark(shard, split, "ended");
      }
    };
    const groupsOf = (shard: string) => groupsOfShard.get(shard) ?? [];
    const advance = () => {
      // Every upstream split not finished holds event time in every shard, also one not heard of
      // yet: a paused split, or the children of an ended one (their leases exist before it is
      // finished). Looked at again before every merge, as the list changes between batches.
      const splits = upstreamSplits();
      if (splits !== listed) {
        listed = splits;
        unfinished = new Set(splits);
      }
      for (const shard of shards) for (const split of splits) watermarks.expect(shard, split);
      const watermark = watermarks.current(unfinished);
      if (watermark > emitted) {
        emitted = watermark;
        output.emitWatermark(watermark);
      }
    };
    // The upstream finishing shows in its lease table, not in the stream: look again now and then.
    const recheck = () => {
      advance();
      if (emitted !== Number.POSITIVE_INFINITY) {
        context.scheduleProcessingTime(context.clock.now() + UPSTREAM_RECHECK_MS, recheck);
      }
    };
    context.scheduleProcessingTime(context.clock.now() + UPSTREAM_RECHECK_MS, recheck);
    return {
      generatesWatermarks: true,
      processBatch({ values, timestamps, split }) {
        const shard = split ?? "";
        addShard(shard);
        for (let i = 0; i < values.length; i++) {
          let envelope: ReturnType<typeof decodeEnvelope>;
          try {
            envelope = decodeEnvelope(values[i]!, serde);
          } catch (error) {
            context.fail(error, values[i], timestamps[i]!);
            continue;
          }
          switch (envelope.kind) {
            case "record": {
              let group: number;
              try {
                group = keyGroupOf(keyOf(envelope.value), context.keyGroups);
              } catch (error) {
                context.fail(error, envelope.value, envelope.timestamp);
                continue;
              }
              let groups = groupsOfShard.get(shard);
              if (!groups) {
                groups = new Set();
                groupsOfShard.set(shard, groups);
              }
              groups.add(group);
              watermarks.record(shard, envelope.split);
              if (dedupe.accept(group, envelope.split, envelope.id))
                output.emit(envelope.value, envelope.timestamp);
              break;
            }
            case "watermark":
              watermarks.advance(shard, envelope.splits, envelope.at, envelope.runs);
              break;
            case "idle":
              watermarks.mark(shard, envelope.split, "idle", envelope.run);
              break;
            case "active":
              watermarks.mark(shard, envelope.split, "live", envelope.run);
              break;
            case "committed":
              for (const [upstream, id] of envelope.ids) dedupe.commit(groupsOf(shard), upstream, id);
              break;
            case "end":
              dedupe.commit(groupsOf(shard), envelope.split, envelope.id);
              watermarks.mark(shard, envelope.split, "ended");
              ends.read(shardOf(shard), envelope.split, watermarks.watermarkOf(shard, envelope.split));
              break;
          }
        }
        advance();
      },
      processWatermark(watermark) {
        // Only the end of a bounded input reaches here (an operator that generates watermarks
        // hears of no other): it closes every window.
        output.emitWatermark(watermark);
      },
      processSplitStatus(status) {
        // Every shard the pipeline reads is announced before its first record: it holds event
        // time until its upstream splits are heard of.
        if (status.status === "active") addShard(status.split);
      },
      snapshotState: (full) => ({ keyGroups: dedupe.snapshot(full) }),
      restoreState(snapshot) {
        dedupe.restore((snapshot.keyGroups ?? []) as OpaqueKeyGroupSnapshot[]);
      },
    };
  };
}
