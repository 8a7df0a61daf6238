import type { OperatorFactory } from "../runtime/operator.ts";
import type { Sink } from "../runtime/sink.ts";
import { type Key, keyGroupOf } from "../state/key-group.ts";
import type { Serde } from "../state/serde.ts";
import type { Cancel } from "../time/clock.ts";
import { type Envelope, encodeEnvelope } from "./envelope.ts";
import type { WriterNumbering } from "./record-numbering.ts";
import type { RepartitionChannel, RepartitionStreamWriter } from "./repartition-channel.ts";
import { type OutgoingMessage, RepartitionWriteQueue } from "./write-queue.ts";

export type { OutgoingMessage } from "./write-queue.ts";

/** Least processing time between two watermark markers of one writer (ms). */
export const WATERMARK_MARKER_INTERVAL_MS = 200;
/** Most processing time between two watermark markers of one writer, moved or not (ms). */
export const WATERMARK_HEARTBEAT_MS = 1_000;

/**
 * Messages the writer sink lets wait behind a running channel call before its writes wait too;
 * they all go in the next call.
 */
export const MAX_PENDING_MESSAGES = 500;

/**
 * The last operator of an upstream stage: numbers each record per upstream split (see
 * {@link WriterNumbering}) and turns it into a message at the key group of `keyOf(value)`; turns
 * the watermark into `watermark` markers for the live upstream splits (at most one every
 * {@link WATERMARK_MARKER_INTERVAL_MS}), and splits going idle or active into markers; a split's
 * first record in a run, or after it went idle, follows an `active` marker. Each of those markers
 * carries the run of each split it speaks for ({@link WriterNumbering.runOf}), so a reader can tell
 * a late marker or record of a split's previous run from its current one.
 */
export function repartitionWriterOperator(options: {
  readonly keyOf: (value: unknown) => Key;
  readonly numbering: WriterNumbering;
  readonly serde: Serde<unknown>;
  /** The upstream source node's id: the driver prefixes split ids with it (`<source>/<split>`). */
  readonly sourceId: string;
}): OperatorFactory<unknown, OutgoingMessage> {
  const { keyOf, numbering, serde, sourceId } = options;
  const marker = (envelope: Envelope): OutgoingMessage => ({
    data: encodeEnvelope(envelope, serde),
    keyGroup: undefined,
  });
  return (context, output) => {
    const idle = new Set<string>();
    /** Splits this run announced (`active`) since it began or they went idle. */
    const announced = new Set<string>();
    /**
     * Tells the readers that this run speaks for `split` now, before its first record: an `active`
     * marker with its run for it and every other live split of the run not announced yet (all in
     * one call of markers, not one call per split). A reader lets a record change the status of a
     * split only while it knows no run of it, so a record of an older run, put late, cannot wake a
     * split the newer run left idle — and the newer run's own records come after its `active`.
     */
    const announce = (split: string) => {
      for (const each of [split, ...numbering.splits()]) {
        if (announced.has(each) || idle.has(each) || numbering.ended.has(each)) continue;
        announced.add(each);
        output.emit(marker({ kind: "active", split: each, run: numbering.runOf(each) }), Number.NaN);
      }
    };
    let latest = Number.NEGATIVE_INFINITY;
    let sentAt = Number.NEGATIVE_INFINITY;
    let timer: { readonly at: number; readonly cancel: Cancel } | undefined;
    /** The splits a watermark `at` speaks for: the live ones; the end of the input, every one. */
    const covered = (at: number) =>
      [...numbering.splits()].filter(
        (split) => at === Number.POSITIVE_INFINITY || (!idle.has(split) && !numbering.ended.has(split)),
      );
    const send = () => {
      // A split restored from a checkpoint starts again at the watermark kept for it there: with
      // nothing left to read it would otherwise hold the downstream windows forever.
      const at = Math.max(latest, numbering.floor());
      if (at === Number.NEGATIVE_INFINITY) return;
      const splits = covered(at);
      sentAt = context.clock.now();
      if (splits.length === 0) return;
      output.emit(
        {
          ...marker({ kind: "watermark", splits, at, runs: splits.map((split) => numbering.runOf(split)) }),
          // A later marker for the same splits replaces this one while it waits in the sink.
          supersedes: `watermark:${splits.join("\n")}`,
          recordsMayPass: true,
        },
        at,
      );
      numbering.keepWatermark(splits, at);
    };
    const schedule = (at: number) => {
      timer?.cancel();
      timer = { at, cancel: context.scheduleProcessingTime(at, tick) };
    };
    let idleSaidAt = Number.NEGATIVE_INFINITY;
    /**
     * Says the idle splits idle again, at most once a heartbeat: a reader that restarted (its merge
     * of upstream watermarks is not checkpointed) counts a split it has not heard of as live at
     * -Infinity, so without this it would wait for an idle split until its next record.
     */
    const repeatIdle = () => {
      const now = context.clock.now();
      if (now - idleSaidAt < WATERMARK_HEARTBEAT_MS) return;
      idleSaidAt = now;
      for (const split of idle) {
        if (numbering.ended.has(split)) continue;
        output.emit(marker({ kind: "idle", split, run: numbering.runOf(split) }), Number.NaN);
      }
    };
    // Sends the latest watermark, then again every heartbeat even if it did not move: a reader
    // that restarted (its merge of upstream watermarks is not checkpointed) hears of every live
    // upstream split again within a heartbeat, even of one that has stopped advancing — and of
    // every idle one.
    const tick = () => {
      timer = undefined;
      repeatIdle();
      send();
      schedule(context.clock.now() + WATERMARK_HEARTBEAT_MS);
    };
    // The heartbeat runs from the start: a restored floor is sent before any record comes.
    schedule(context.clock.now() + WATERMARK_MARKER_INTERVAL_MS);
    return {
      processBatch({ values, timestamps }) {
        const split = numbering.current;
        if (split === undefined)
          throw new Error("repartition writer: a record arrived before any source batch");
        idle.delete(split);
        if (!announced.has(split)) announce(split);
        for (let i = 0; i < values.length; i++) {
          const value = values[i];
          const timestamp = timestamps[i]!;
          let keyGroup: number;
          try {
            keyGroup = keyGroupOf(keyOf(value), context.keyGroups);
          } catch (error) {
            context.fail(error, value, timestamp);
            continue;
          }
          const id = numbering.next(split);
          const data = encodeEnvelope({ kind: "record", split, id, timestamp, value }, serde);
          output.emit({ data, keyGroup, split, id }, timestamp);
        }
      },
      processWatermark(watermark) {
        // Only a watermark that moved is worth a marker (the heartbeat repeats the last one).
        if (watermark <= latest) return;
        latest = watermark;
        // Kept in the positions at once, not when the marker goes: a run stopped at a checkpoint
        // runs no timer after its barrier, so a marker held back by the interval would never go,
        // and a run restored there must not start from the older watermark sent before.
        numbering.keepWatermark(covered(watermark), watermark);
        const now = context.clock.now();
        if (watermark === Number.POSITIVE_INFINITY || now - sentAt >= WATERMARK_MARKER_INTERVAL_MS) tick();
        else if (!timer || timer.at > sentAt + WATERMARK_MARKER_INTERVAL_MS) {
          schedule(sentAt + WATERMARK_MARKER_INTERVAL_MS);
        }
      },
      processSplitStatus(status) {
        const split = status.split.startsWith(`${sourceId}/`)
          ? status.split.slice(sourceId.length + 1)
          : status.split;
        if (status.status === "idle") {
          idle.add(split);
          announced.delete(split);
          output.emit(marker({ kind: "idle", split, run: numbering.runOf(split) }), Number.NaN);
        } else if (status.status === "active" && idle.delete(split)) {
          announce(split);
        }
      },
      close() {
        timer?.cancel();
      },
    };
  };
}

/**
 * The sink of an upstream stage: writes the writer operator's messages to the repartition stream
 * in order (in every shard a marker follows the records before it), one channel call at a time,
 * the messages queued behind a call coalesced into the next ({@link RepartitionWriteQueue}). At
 * each checkpoint it queues, after the records before its barrier, a `committed` marker with the
 * highest id per upstream split, and an `end` marker for each split read to its end, so readers
 * can raise their floors, and waits until all of it is stored. Written before the checkpoint
 * completes, they precede the lease's release: a split is never finished in the lease table before
 * its end marker is in every shard. (A marker of a checkpoint that then fails is still true: a
 * replay numbers the same records the same.) A failed call fails the next write or checkpoint.
 */
export function repartitionWriterSink(options: {
  readonly channel: RepartitionChannel;
  readonly stream: string;
  readonly numbering: WriterNumbering;
  readonly serde: Serde<unknown>;
  readonly keyGroups: number;
}): Sink<OutgoingMessage> {
  const { channel, stream, numbering, serde, keyGroups } = options;
  let writer: RepartitionStreamWriter | undefined;
  let queue: RepartitionWriteQueue | undefined;
  /** The highest id queued per upstream split: stored before any marker queued after it. */
  const queued = new Map<string, number>();
  const endsSent = new Set<string>();
  return {
    name: `repartition(${stream})`,
    open() {
      queue?.stop();
      writer = channel.writer(stream, keyGroups);
      queue = new RepartitionWriteQueue(writer, MAX_PENDING_MESSAGES);
      queued.clear();
      endsSent.clear();
    },
    write(messages) {
      for (const { split, id } of messages) {
        if (split !== undefined && id !== undefined && id > (queued.get(split) ?? 0)) queued.set(split, id);
      }
      return queue!.enqueue(messages);
    },
    async snapshot() {
      // Queued after the records before the barrier, they are stored after those in every shard.
      const markers: OutgoingMessage[] = [];
      if (queued.size > 0) {
        const data = encodeEnvelope({ kind: "committed", ids: [...queued] }, serde);
        markers.push({ data, keyGroup: undefined, recordsMayPass: true });
      }
      for (const [split, id] of numbering.ended) {
        if (endsSent.has(split)) continue;
        markers.push({ data: encodeEnvelope({ kind: "end", split, id }, serde), keyGroup: undefined });
        endsSent.add(split);
      }
      await queue!.enqueue(markers);
      await queue!.drain();
      return undefined;
    },
    finish() {
      return queue?.drain();
    },
    async close() {
      queue?.stop();
      queue = undefined;
      await writer?.close();
      writer = undefined;
    },
  };
}
