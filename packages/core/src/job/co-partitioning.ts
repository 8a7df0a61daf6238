import type { LeaseStore } from "../cluster/lease-store.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { GraphNode, JobGraph, SourceNode } from "../runtime/graph.ts";
import type { Sink } from "../runtime/sink.ts";
import { isSplittable, type SplittableSource } from "../runtime/source.ts";

/**
 * The one source of a job that runs on several workers, checked: it must be splittable, and every
 * keyed operator must be co-partitioned with it — key by the source's `partitionKey` itself, with
 * only record-forwarding operators (`filter`, `withWatermarks`) between — because each worker
 * owns the key groups of the splits it reads, and nothing moves records between workers yet.
 * Throws a {@link PipelineDefinitionError} naming the node at fault otherwise.
 */
export function clusteredSource(
  job: string,
  graph: JobGraph,
): { node: SourceNode; source: SplittableSource<unknown> } {
  const sources = graph.nodes.filter((n): n is SourceNode => n.kind === "source");
  const where = `job "${job}" runs on several workers`;
  if (sources.length !== 1) {
    throw new PipelineDefinitionError(
      `${where}, which needs exactly one source; it has ${sources.length} (${sources.map((s) => s.id).join(", ") || "none"})`,
    );
  }
  const node = sources[0]!;
  const { source } = node;
  if (!isSplittable(source)) {
    throw new PipelineDefinitionError(
      `${where}, but source "${node.id}" cannot be split between them (it has no listSplits)`,
    );
  }
  for (const candidate of graph.nodes) {
    if (candidate.kind !== "operator") continue;
    const partitioning = candidate.spec.partitioning;
    if (typeof partitioning !== "object" || "asserted" in partitioning) continue;
    const origin = forwardedFrom(candidate.input);
    // A stream reinterpreted as keyed by this very key is partitioned by it (checked per record).
    const asserted =
      origin.kind === "operator" &&
      typeof origin.spec.partitioning === "object" &&
      "asserted" in origin.spec.partitioning &&
      origin.spec.partitioning.asserted === partitioning.keyOf;
    const coPartitioned =
      asserted ||
      (origin === node && source.partitionKey !== undefined && partitioning.keyOf === source.partitionKey);
    if (!coPartitioned) {
      throw new PipelineDefinitionError(
        `${where}, but keyed operator "${candidate.id}" is not co-partitioned with source "${node.id}": key it by the source's partitionKey itself (the same function), with only filter and withWatermarks between the two, so each key's records come from one split; key a keyed operator's results by the same key with reinterpretAsKeyed; or give the cluster a repartition channel (cluster.repartition, see docs/repartition.md)`,
      );
    }
  }
  return { node, source };
}

/** The node whose records reach `node` unchanged, through record-forwarding operators only. */
function forwardedFrom(node: GraphNode): GraphNode {
  let current = node;
  while (current.kind === "operator" && current.spec.partitioning === "forwards") current = current.input;
  return current;
}

/**
 * Refuses the sinks that cannot run on several workers: a committing sink (one that makes its
 * output visible on `notifyCheckpointComplete`) must keep each writer's staged output apart and
 * commit what the writer's last publish left (`severalWriters`, as the JSON-lines and S3 sinks do),
 * and the lease store must record what each publish leaves to commit (`readCommittables`). Sinks
 * that write directly (Kinesis, Firehose, DynamoDB, an idempotent store) are fine.
 * Throws a {@link PipelineDefinitionError} naming the sink otherwise.
 */
export function checkClusterSinks(
  job: string,
  sinks: readonly { readonly id: string; readonly sink: Sink<unknown> }[],
  leases: LeaseStore,
): void {
  for (const { id, sink } of sinks) {
    if (sink.notifyCheckpointComplete === undefined) continue;
    if (!sink.severalWriters) {
      throw new PipelineDefinitionError(
        `job "${job}" runs on several workers, but sink "${id}" commits its output on checkpoint completion without keeping each worker's staged output apart (it does not declare severalWriters): use a sink that writes directly, or run the job on one worker`,
      );
    }
    if (!leases.readCommittables) {
      throw new PipelineDefinitionError(
        `job "${job}" runs on several workers, but its lease store (${leases.description}) cannot record what sink "${id}" must commit after a publish (it has no readCommittables): use redisLeases or MemoryLeaseStore`,
      );
    }
  }
}
