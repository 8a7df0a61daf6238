import type { TableSqlFunction } from "../function-contract.ts";
import { countDistinctItemsTumbling } from "./count-distinct-items-tumbling.ts";
import { groupRank } from "./group-rank.ts";
import { hotspots } from "./hotspots.ts";
import { randomCutForest, randomCutForestWithExplanation } from "./random-cut-forest.ts";
import type { TableFunctionOptions } from "./table-function-options.ts";
import { topKItemsTumbling } from "./top-k-items-tumbling.ts";

export { countDistinctItemsTumbling } from "./count-distinct-items-tumbling.ts";
export { groupRank } from "./group-rank.ts";
export { hotspots } from "./hotspots.ts";
export { randomCutForest, randomCutForestWithExplanation } from "./random-cut-forest.ts";
export { RANDOM_CUT_FOREST_DEFAULTS } from "./rcf/forest-call.ts";
export { DEFAULT_TABLE_FUNCTION_OPTIONS, type TableFunctionOptions } from "./table-function-options.ts";
export { topKItemsTumbling } from "./top-k-items-tumbling.ts";

/**
 * KDA's built-in table functions — `RANDOM_CUT_FOREST`, `RANDOM_CUT_FOREST_WITH_EXPLANATION`,
 * `HOTSPOTS`, `TOP_K_ITEMS_TUMBLING`, `COUNT_DISTINCT_ITEMS_TUMBLING`, `GROUP_RANK` — for one job:
 * `options.seed` (the job's) seeds the random cut forests, so a replay of the same rows gives the
 * same scores.
 *
 * @example
 * const byName = new Map(tableFunctions({ seed: 42 }).map((fn) => [fn.name, fn]));
 * const forest = byName.get("RANDOM_CUT_FOREST");
 */
export function tableFunctions(options: TableFunctionOptions = {}): readonly TableSqlFunction[] {
  return [
    randomCutForest(options),
    randomCutForestWithExplanation(options),
    hotspots(),
    topKItemsTumbling(),
    countDistinctItemsTumbling(),
    groupRank(),
  ];
}
