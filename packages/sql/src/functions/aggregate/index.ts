import type { SqlFunction } from "../function-contract.ts";
import { anyFunction, everyFunction } from "./any-every.ts";
import { countFunction } from "./count.ts";
import { expAvgFunction } from "./exp-avg.ts";
import { firstValueFunction, lastValueFunction } from "./first-last-value.ts";
import { maxFunction, minFunction } from "./min-max.ts";
import { avgFunction, sumFunction } from "./sum-avg.ts";
import { varianceFunctions } from "./variance.ts";

/** The aggregate functions (GROUP BY, WINDOWED BY STAGGER and OVER). */
export const aggregateFamily: readonly SqlFunction[] = [
  countFunction,
  sumFunction,
  avgFunction,
  minFunction,
  maxFunction,
  firstValueFunction,
  lastValueFunction,
  ...varianceFunctions,
  expAvgFunction,
  anyFunction,
  everyFunction,
];
