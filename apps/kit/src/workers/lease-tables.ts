import { type LeaseStore, MemoryLeaseStore } from "@eddy/core";

/** The lease table of each stage a supervisor serves: 0 is the job's own, `n` stage `n`'s. */
export type LeaseTables = (table: number) => LeaseStore;

/**
 * The lease tables a `--workers` supervisor serves when it holds the leases itself: `job` for
 * stage 0 (the table it also reads to print who holds what), and for each further stage of a
 * repartitioned job a table of its own, opened by `open` the first time a worker asks for it and
 * then the same for every worker — the stages' workers share it as they share stage 0's.
 *
 * @example
 * const tables = supervisorLeaseTables(new MemoryLeaseStore());
 * tables(1) === tables(1); // true: one table per stage, kept for the supervisor's life
 * tables(1) === tables(0); // false
 */
export function supervisorLeaseTables(
  job: LeaseStore,
  open: () => LeaseStore = () => new MemoryLeaseStore(),
): LeaseTables {
  const tables = new Map<number, LeaseStore>([[0, job]]);
  return (table) => {
    let store = tables.get(table);
    if (!store) {
      store = open();
      tables.set(table, store);
    }
    return store;
  };
}
