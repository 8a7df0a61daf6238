/**
 * Which run of an upstream split wrote a marker: the split's lease counter when the run started
 * (its fencing token), then the writing worker's pipeline generation. Ordered by the counter
 * first, then the generation, it is total per split across workers: every take of a lease moves
 * its counter, so a run on the split's next holder starts with a higher counter than any run of
 * the one before — a zombie's too, which still runs on the counter of its last write — and runs
 * with the same counter are runs of one holder in one process, one after the other, whose
 * generation counts up. A later run of a split is thus always the greater one, whoever writes it.
 *
 * @example
 * const older: WriterRun = [41, 3];
 * const newer: WriterRun = [42, 1]; // the split's next holder
 * compareRuns(newer, older) > 0; // true
 */
export type WriterRun = readonly [leaseCounter: number, generation: number];

/**
 * The run of a marker that names none (written before markers carried their run): older than any
 * run that does, so an old marker read after a new one is ignored, and markers that all lack it
 * apply in the order they are read, as they did then.
 */
export const NO_RUN: WriterRun = [0, 0];

/** Negative when `a` is the older run, positive when it is the newer one, 0 for the same run. */
export function compareRuns(a: WriterRun, b: WriterRun): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Whether `value` is a {@link WriterRun} as an envelope carries it. */
export function isWriterRun(value: unknown): value is WriterRun {
  return (
    Array.isArray(value) && value.length === 2 && typeof value[0] === "number" && typeof value[1] === "number"
  );
}
