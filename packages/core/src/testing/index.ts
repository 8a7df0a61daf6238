/**
 * Test utilities for Eddy pipelines and connectors: a virtual-time harness that pushes records
 * and watermarks through a pipeline fragment and collects exactly what comes out; contract kits
 * that every source, sink, checkpoint store and lease store passes (ours and yours), runnable in any test
 * framework; contexts to open a connector with outside a job; and `eventually`, for waiting on
 * things that happen in their own time.
 * @packageDocumentation
 * @module @eddy/core/testing
 */

export { VirtualClock } from "../time/clock.ts";
export {
  blobRefsOf,
  CheckpointBuilder,
  type KeyGroupChanges,
  type NextCheckpointOptions,
  uniqueName,
} from "./checkpoint-builder.ts";
export { type CheckpointStoreContractOptions, checkpointStoreContract } from "./checkpoint-store-contract.ts";
export {
  type ConnectorContextOverrides,
  sinkContext,
  sourceContext,
  type TestConnectorContext,
} from "./connector-contexts.ts";
export { type ContractCase, ContractViolation } from "./contract-case.ts";
export { EVENTUALLY_DEFAULTS, type EventuallyOptions, eventually } from "./eventually.ts";
export {
  createTestHarness,
  type TestHarness,
  type TestHarnessOptions,
  type TimestampedValue,
} from "./harness.ts";
export { type LeaseStoreContractOptions, leaseStoreContract } from "./lease-store-contract.ts";
export {
  SINK_CONTRACT_DEFAULTS,
  type SinkContractOptions,
  type SinkDestination,
  sinkContract,
} from "./sink-contract.ts";
export {
  SOURCE_CONTRACT_DEFAULTS,
  type SourceContractOptions,
  sourceContract,
} from "./source-contract.ts";
