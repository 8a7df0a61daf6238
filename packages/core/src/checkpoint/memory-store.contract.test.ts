import { describe, test } from "vitest";
import { checkpointStoreContract } from "../testing/checkpoint-store-contract.ts";
import { MemoryCheckpointStore } from "./memory-store.ts";

describe("MemoryCheckpointStore keeps the CheckpointStore contract", () => {
  const cases = checkpointStoreContract({
    open: () => new MemoryCheckpointStore(),
    corrupt: (store, ref) => store.corruptBlob(ref.key),
  });
  for (const c of cases) test(c.name, c.run);
});
