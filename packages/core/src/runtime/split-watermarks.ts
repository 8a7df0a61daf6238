import type { SplitWatermarksOf } from "../checkpoint/checkpoint-store.ts";
import type { SplitId } from "./elements.ts";

/** Where a run's splits come from: the checkpoint it restores, and the splits a worker holds. */
export interface SplitWatermarksRestore {
  /** Per source, what a checkpoint kept (see {@link SplitWatermarksOf}). */
  readonly kept?: Readonly<Record<string, SplitWatermarksOf>> | undefined;
  /** On one of several workers, the splits it reads (of its one source); `undefined`: all. */
  readonly assignedSplits?: ReadonlySet<SplitId> | undefined;
}

/**
 * The watermark of every source split as each watermark assigner (`withWatermarks`, by its
 * operator id) tracks it, for one run of a pipeline. A checkpoint keeps it beside the splits'
 * positions, and the assigners of a run restored there start from it: each split at the
 * watermark it had (its **floor**), every split the assigner knew at `-Infinity` until it reads.
 *
 * Why: a job on several workers restarts its pipeline on every lease change, from the published
 * positions. A split with nothing left to read would otherwise start again at `-Infinity` and hold
 * its worker's watermark — and every window — until its next record; with a bounded or quiet input,
 * for ever. The floor is safe: it is the split's own watermark after the records up to the position
 * (a source hands a batch on before an assigner sees it, so an assigner never reports past the
 * position a barrier acknowledges), so a later record of the split below it was late in the first
 * run as well. And the splits the assigner knew, restored together, keep one split's floor from
 * moving the watermark past another split that has not been read yet.
 *
 * Splits are named as records carry them: `<source id>/<split>`.
 *
 * @example
 * const table = new SplitWatermarks(["ticks"], { kept: { ticks: { "0": { "assign#1": 5_000 } } } });
 * table.restoredFor("assign#1"); // Map { "ticks/0" => 5_000 }
 * table.report("assign#1", "ticks/0", 7_000);
 * table.report("assign#1", "ticks/1", Number.NEGATIVE_INFINITY); // known, nothing read yet
 * table.ofSource("ticks"); // { "0": { "assign#1": 7_000 }, "1": { "assign#1": null } }
 */
export class SplitWatermarks {
  /** Source ids, longest first: a split's source is the longest that prefixes its name. */
  readonly #sourceIds: readonly string[];
  /** Per source, per split, per assigner: the highest watermark known (`-Infinity`: none yet). */
  readonly #sources = new Map<string, Map<SplitId, Map<string, number>>>();
  /** Per assigner, the splits it starts with and their floors. */
  readonly #restored = new Map<string, Map<string, number>>();

  constructor(sourceIds: Iterable<string>, restore: SplitWatermarksRestore = {}) {
    this.#sourceIds = [...sourceIds].sort((a, b) => b.length - a.length);
    const { kept = {}, assignedSplits } = restore;
    for (const [sourceId, splits] of Object.entries(kept)) {
      // A source the job no longer has sends nothing: its splits must not hold the watermark.
      if (!this.#sourceIds.includes(sourceId)) continue;
      const assigners = new Set<string>();
      for (const [split, byAssigner] of Object.entries(splits)) {
        if (assignedSplits !== undefined && !assignedSplits.has(split)) continue;
        for (const [assigner, kept] of Object.entries(byAssigner)) {
          const floor = kept ?? Number.NEGATIVE_INFINITY;
          this.#restoredOf(assigner).set(`${sourceId}/${split}`, floor);
          this.#set(sourceId, split, assigner, floor);
          assigners.add(assigner);
        }
      }
      // A split a worker holds that no checkpoint covers yet has not been read: it starts at
      // -Infinity beside the others, or another's floor would pass its first records.
      for (const assigner of assigners) {
        for (const split of assignedSplits ?? []) {
          const restored = this.#restoredOf(assigner);
          const name = `${sourceId}/${split}`;
          if (restored.has(name)) continue;
          restored.set(name, Number.NEGATIVE_INFINITY);
          this.#set(sourceId, split, assigner, Number.NEGATIVE_INFINITY);
        }
      }
    }
  }

  /** The splits `assigner` starts with, each at its floor (`-Infinity`: known, not read yet). */
  restoredFor(assigner: string): ReadonlyMap<string, number> {
    return this.#restored.get(assigner) ?? new Map();
  }

  /**
   * Assigner `assigner` has `watermark` for `split` (it only rises; `-Infinity` records the split
   * as known). `Infinity` says the split finished: it holds nothing any more, and is forgotten.
   * A split of no source of this run (records after a union of nothing) is ignored.
   */
  report(assigner: string, split: string, watermark: number): void {
    const sourceId = this.#sourceIds.find((id) => split.startsWith(`${id}/`));
    if (sourceId === undefined) return;
    const name = split.slice(sourceId.length + 1);
    if (watermark === Number.POSITIVE_INFINITY) {
      this.#sources.get(sourceId)?.get(name)?.delete(assigner);
      return;
    }
    const known = this.#sources.get(sourceId)?.get(name)?.get(assigner);
    if (known === undefined || watermark > known) this.#set(sourceId, name, assigner, watermark);
  }

  /**
   * What a checkpoint keeps for `sourceId`: every split an assigner knows, with its watermark
   * (`null`: none yet); `undefined` when there is none (a job without assigners writes its
   * checkpoints as before).
   */
  ofSource(sourceId: string): SplitWatermarksOf | undefined {
    let kept: Record<SplitId, Record<string, number | null>> | undefined;
    for (const [split, byAssigner] of this.#sources.get(sourceId) ?? []) {
      if (byAssigner.size === 0) continue;
      kept ??= {};
      kept[split] = Object.fromEntries(
        [...byAssigner].map(([assigner, at]) => [assigner, Number.isFinite(at) ? at : null]),
      );
    }
    return kept;
  }

  #restoredOf(assigner: string): Map<string, number> {
    let restored = this.#restored.get(assigner);
    if (!restored) {
      restored = new Map();
      this.#restored.set(assigner, restored);
    }
    return restored;
  }

  #set(sourceId: string, split: SplitId, assigner: string, watermark: number): void {
    let splits = this.#sources.get(sourceId);
    if (!splits) {
      splits = new Map();
      this.#sources.set(sourceId, splits);
    }
    let byAssigner = splits.get(split);
    if (!byAssigner) {
      byAssigner = new Map();
      splits.set(split, byAssigner);
    }
    byAssigner.set(assigner, watermark);
  }
}
