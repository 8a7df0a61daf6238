/**
 * Testing tools for Kinesis Data Analytics SQL applications on Eddy: {@link sqlHarness} runs an
 * application on virtual time with rows you give it, like KDA's console editor with sample rows.
 * @packageDocumentation
 * @module @eddy/sql/testing
 */

export {
  type HarnessReferenceTable,
  type HarnessRow,
  type SqlCompileContext,
  type SqlCompiler,
  type SqlHarness,
  type SqlHarnessOptions,
  sqlHarness,
} from "./sql-harness.ts";
