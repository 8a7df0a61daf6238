import type { SqlField } from "../../../types/sql-type.ts";
import type { ArgumentInfo } from "../../function-contract.ts";
import { numericColumns } from "../numeric-columns.ts";
import { TableArguments } from "../table-arguments.ts";

/**
 * KDA's documented defaults of RANDOM_CUT_FOREST and RANDOM_CUT_FOREST_WITH_EXPLANATION (the
 * parameters a call leaves off), and the documented limits.
 */
export const RANDOM_CUT_FOREST_DEFAULTS = {
  numberOfTrees: 100,
  subSampleSize: 256,
  timeDecay: 100_000,
  shingleSize: 1,
  withDirectionality: false,
} as const;

const LIMITS = {
  numberOfTrees: { min: 1, max: 1_000 },
  subSampleSize: { min: 10, max: 1_000 },
  timeDecay: { min: 1, max: 2_147_483_647 },
  shingleSize: { min: 1, max: 30 },
  numericColumns: 30,
};

/**
 * The bounding boxes every tree caches (two doubles per dimension and node) may take at most this
 * many bytes; beyond it a call is refused with what it would need. The documented maximum (1,000
 * trees of 1,000 points of 30 columns × 30 records) would need 14 GB.
 */
const MAX_BOX_BYTES = 2 ** 30;

/** What one RANDOM_CUT_FOREST[_WITH_EXPLANATION] call asks for, checked. */
export interface ForestCall {
  /** The cursor's numeric columns, in order. */
  readonly columns: readonly SqlField[];
  readonly numberOfTrees: number;
  readonly subSampleSize: number;
  readonly timeDecay: number;
  readonly shingleSize: number;
  /** RANDOM_CUT_FOREST_WITH_EXPLANATION's last parameter (false for RANDOM_CUT_FOREST). */
  readonly withDirectionality: boolean;
}

/** Reads and checks a call's arguments (after the cursor) against KDA's documented ranges. */
export function forestCall(
  name: string,
  input: readonly SqlField[],
  args: readonly ArgumentInfo[],
  withExplanation: boolean,
): ForestCall {
  const read = new TableArguments(name, args, withExplanation ? 5 : 4);
  const d = RANDOM_CUT_FOREST_DEFAULTS;
  const numberOfTrees = read.integer(0, "numberOfTrees", LIMITS.numberOfTrees, d.numberOfTrees);
  const subSampleSize = read.integer(1, "subSampleSize", LIMITS.subSampleSize, d.subSampleSize);
  const timeDecay = read.integer(2, "timeDecay", LIMITS.timeDecay, d.timeDecay);
  const shingleSize = read.integer(3, "shingleSize", LIMITS.shingleSize, d.shingleSize);
  const withDirectionality = withExplanation
    ? read.boolean(4, "withDirectionality", d.withDirectionality)
    : false;
  if (subSampleSize >= timeDecay) {
    throw read.error(`subSampleSize (${subSampleSize}) must be less than timeDecay (${timeDecay})`);
  }
  const columns = numericColumns(read, input, LIMITS.numericColumns);
  const boxBytes = numberOfTrees * subSampleSize * columns.length * shingleSize * 16;
  if (boxBytes > MAX_BOX_BYTES) {
    throw read.error(
      `with ${numberOfTrees} trees of ${subSampleSize} points of ${columns.length * shingleSize} dimensions (${columns.length} columns × shingleSize ${shingleSize}) needs ${(boxBytes / 2 ** 30).toFixed(1)} GiB of bounding boxes, more than the 1 GiB Eddy allows: use fewer trees, a smaller subSampleSize or a smaller shingleSize`,
    );
  }
  return { columns, numberOfTrees, subSampleSize, timeDecay, shingleSize, withDirectionality };
}
