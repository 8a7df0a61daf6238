import { describe, test } from "vitest";
import { leaseStoreContract } from "../testing/lease-store-contract.ts";
import { MemoryLeaseStore } from "./memory-lease-store.ts";

describe("MemoryLeaseStore keeps the LeaseStore contract", () => {
  for (const c of leaseStoreContract({ open: () => new MemoryLeaseStore() })) test(c.name, c.run);
});
