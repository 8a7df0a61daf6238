/**
 * Test utilities for Eddy pipelines: a virtual-time harness that pushes records and watermarks
 * through a pipeline fragment and collects exactly what comes out.
 * @packageDocumentation
 * @module @eddy/core/testing
 */

export {
  type LeaseStoreContractOptions,
  leaseStoreContract,
} from "../cluster/testing/lease-store-contract.ts";
export { VirtualClock } from "../time/clock.ts";
export {
  type ConnectorContextOverrides,
  sinkContext,
  sourceContext,
  type TestConnectorContext,
} from "./connector-contexts.ts";
export {
  createTestHarness,
  type TestHarness,
  type TestHarnessOptions,
  type TimestampedValue,
} from "./harness.ts";
