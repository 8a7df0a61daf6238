import type { DataStream, OperatorFactory } from "@eddy/core";

/** What {@link arrivalOrder} holds between watermarks, as checkpoints store it. */
interface HeldRows<T> {
  readonly values: T[];
  readonly timestamps: number[];
}

/**
 * Puts rows back in ROWTIME order, ties by their arrival sequence (`sequenceOf`, a number stamped
 * where the rows entered, increasing), before each watermark: an over window emits the rows one
 * watermark releases partition by partition, so a later window with another PARTITION BY would
 * otherwise see rows of one ROWTIME from different partitions in the first one's partition order
 * and let a later-arriving peer into an earlier row's frame (A19). Rows are held until the
 * watermark passes them (an over window hands them on just before that watermark, so nothing is
 * held when a checkpoint barrier passes; what is held is checkpointed all the same). A row
 * without a sequence (held by a window restored from a checkpoint written before sequences
 * existed) arrived before every row that has one.
 *
 * @example
 * declare const released: DataStream<{ row: SqlRow; sequence: number }>;
 * const inArrivalOrder = arrivalOrder(released, (r) => r.sequence);
 */
export function arrivalOrder<T>(
  input: DataStream<T>,
  sequenceOf: (value: T) => number | undefined,
): DataStream<T> {
  const factory: OperatorFactory<T, T> = (_context, output) => {
    let values: T[] = [];
    let timestamps: number[] = [];
    /** Emits the held rows at or below `upTo` in order and keeps the rest. */
    const release = (upTo: number) => {
      const count = values.length;
      if (count === 0) return;
      const sequences = values.map((value) => sequenceOf(value) ?? -1);
      const order = Array.from({ length: count }, (_, i) => i);
      order.sort((a, b) => timestamps[a]! - timestamps[b]! || sequences[a]! - sequences[b]!);
      let due = 0;
      while (due < count && timestamps[order[due]!]! <= upTo) due++;
      if (due === 0) return;
      output.emitBatch(
        order.slice(0, due).map((i) => values[i]!),
        order.slice(0, due).map((i) => timestamps[i]!),
      );
      const kept = order.slice(due);
      values = kept.map((i) => values[i]!);
      timestamps = kept.map((i) => timestamps[i]!);
    };
    return {
      processBatch(batch) {
        for (let i = 0; i < batch.values.length; i++) {
          values.push(batch.values[i]!);
          timestamps.push(batch.timestamps[i]!);
        }
      },
      processWatermark: release,
      finish: () => release(Number.POSITIVE_INFINITY),
      snapshotState: (): { operator: HeldRows<T> } => ({ operator: { values, timestamps } }),
      restoreState(snapshot) {
        const held = snapshot.operator as HeldRows<T> | undefined;
        values = held?.values.slice() ?? [];
        timestamps = held?.timestamps.slice() ?? [];
      },
    };
  };
  return input.transform("over-arrival-order", factory);
}
