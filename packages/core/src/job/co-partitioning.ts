import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { GraphNode, JobGraph, SinkNode, SourceNode } from "../runtime/graph.ts";
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
    if (partitioning === undefined || partitioning === "forwards") continue;
    const origin = forwardedFrom(candidate.input);
    const coPartitioned =
      origin === node && source.partitionKey !== undefined && partitioning.keyOf === source.partitionKey;
    if (!coPartitioned) {
      throw new PipelineDefinitionError(
        `${where}, but keyed operator "${candidate.id}" is not co-partitioned with source "${node.id}": key it by the source's partitionKey itself (the same function), with only filter and withWatermarks between the two, so each key's records come from one split`,
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
 * Refuses the sinks that cannot yet run on several workers: a committing sink (one that makes its
 * output visible on `notifyCheckpointComplete`, such as the JSON-lines and S3 sinks) keeps staged
 * files in its checkpoint state, and on a worker that state would be restored from another worker's
 * publish, so a restarting worker could commit or clear parts another worker staged. Sinks that
 * write directly (Kinesis, Firehose, DynamoDB, an idempotent store) are fine.
 * Throws a {@link PipelineDefinitionError} naming the sink otherwise.
 */
export function checkClusterSinks(job: string, graph: JobGraph): void {
  for (const node of graph.nodes) {
    if (node.kind !== "sink" || (node as SinkNode).sink.notifyCheckpointComplete === undefined) continue;
    throw new PipelineDefinitionError(
      `job "${job}" runs on several workers, but sink "${node.id}" commits its output on checkpoint completion, which is not yet safe on several workers (its staged parts are not kept per worker): use a sink that writes directly, or run the job on one worker`,
    );
  }
}
