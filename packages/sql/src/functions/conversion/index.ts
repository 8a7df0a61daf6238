import type { SqlFunction } from "../function-contract.ts";
import { castFunction } from "./cast.ts";

/** The conversion functions. */
export const conversionFamily: readonly SqlFunction[] = [castFunction];
