import { type LeaseStore, MemoryLeaseStore } from "@eddy/core";

/** The lease table of each stage a supervisor serves: 0 is the job's own, `n` stage `n`'s. */
export interface LeaseTables {
  /** Stage `stage`'s table, opened the first time it is asked for. */
  table(stage: number): LeaseStore;
  /** The tables opened so far, by stage (0 first). */
  opened(): readonly (readonly [stage: number, table: LeaseStore])[];
}

/**
 * The lease tables a `--workers` supervisor serves when it holds the leases itself: `job` for
 * stage 0 (the table it also reads to print who holds what), and for each further stage of a
 * repartitioned job a table of its own, opened by `open` the first time a worker asks for it and
 * then the same for every worker — the stages' workers share it as they share stage 0's.
 *
 * @example
 * const tables = supervisorLeaseTables(new MemoryLeaseStore());
 * tables.table(1) === tables.table(1); // true: one table per stage, kept for the supervisor's life
 * tables.table(1) === tables.table(0); // false
 */
export function supervisorLeaseTables(
  job: LeaseStore,
  open: () => LeaseStore = () => new MemoryLeaseStore(),
): LeaseTables {
  const tables = new Map<number, LeaseStore>([[0, job]]);
  return {
    table(stage) {
      let store = tables.get(stage);
      if (!store) {
        store = open();
        tables.set(stage, store);
      }
      return store;
    },
    opened: () => [...tables].sort(([a], [b]) => a - b),
  };
}
