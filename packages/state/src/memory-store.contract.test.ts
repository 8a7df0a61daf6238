import { MemoryCheckpointStore } from "@eddy/core";
import { checkpointStoreContract } from "./test-support/checkpoint-store-contract.ts";

// The reference implementation keeps the same contract as the Redis store.
checkpointStoreContract("MemoryCheckpointStore", async () => {
  const store = new MemoryCheckpointStore();
  return {
    store,
    corrupt: async (ref) => store.corruptBlob(ref.key),
    close: async () => {},
  };
});
