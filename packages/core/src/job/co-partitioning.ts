import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { GraphNode, JobGraph, SourceNode } from "../runtime/graph.ts";
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
