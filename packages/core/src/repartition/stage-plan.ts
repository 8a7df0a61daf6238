import { PipelineDefinitionError } from "../runtime/errors.ts";
import { type GraphNode, JobGraph, type OperatorNode, type SourceNode } from "../runtime/graph.ts";
import type { OperatorPartitioning } from "../runtime/operator-stage.ts";
import { isSplittable, type SplittableSource } from "../runtime/source.ts";
import type { Key } from "../state/key-group.ts";
import type { Serde } from "../state/serde.ts";
import { numberedSource, type RecordNumbering, type WriterNumbering } from "./record-numbering.ts";
import { type RepartitionChannel, repartitionStreamName } from "./repartition-channel.ts";
import { repartitionReaderOperator } from "./repartition-reader.ts";
import { repartitionStreamSource } from "./repartition-source.ts";
import { repartitionWriterOperator, repartitionWriterSink } from "./repartition-writer.ts";
import { UpstreamEnds } from "./upstream-ends.ts";

/**
 * Where a job's graph is cut for a repartition: a keyed operator whose key is not the source's
 * partition key, and the stream its records go through.
 *
 * @example
 * for (const cut of findRepartitionCuts("clicks", job.graph)) {
 *   console.log(`${cut.operator.id} reads ${repartitionStreamName("clicks", cut.operator.id)}`);
 * }
 * declare const job: { graph: JobGraph };
 */
export interface RepartitionCut {
  readonly source: SourceNode;
  readonly operator: OperatorNode;
  readonly keyOf: (value: unknown) => Key;
}

/**
 * The keyed operators of `graph` that are not co-partitioned with the job's one splittable
 * source, ordered by operator id (stage `n` of the plan is the `n`-th: a stable order whatever
 * order the pipeline adds them in); empty when every keyed operator is (no repartition needed) or
 * when the job is not of the shape a repartition needs (one splittable source: the cluster check
 * reports that). Each gets a repartition of its own — branches off one source, sharing a prefix
 * or not. What this version cannot cut is refused with one line saying so: a keyed operator
 * after another one's repartition (a chain), or anything but `filter`, `withWatermarks`, `map`,
 * `flatMap` and a co-partitioned `reduce` between the source and a cut.
 */
export function findRepartitionCuts(job: string, graph: JobGraph): RepartitionCut[] {
  const sources = graph.nodes.filter((node): node is SourceNode => node.kind === "source");
  if (sources.length !== 1 || !isSplittable(sources[0]!.source)) return [];
  const source = sources[0]!;
  const partitionKey = (source.source as SplittableSource<unknown>).partitionKey;
  const cuts: RepartitionCut[] = [];
  for (const node of graph.nodes) {
    if (node.kind !== "operator") continue;
    const keyOf = keyOfPartitioning(node.spec.partitioning);
    if (!keyOf) continue;
    const origin = forwardedFrom(node.input);
    if (origin === source && partitionKey !== undefined && keyOf === partitionKey) continue;
    // Keyed again by the key a stream was reinterpreted as keyed by: partitioned by it already.
    if (origin.kind === "operator" && assertedKeyOf(origin.spec.partitioning) === keyOf) continue;
    cuts.push({ source, operator: node, keyOf });
  }
  if (cuts.length === 0) return [];
  const where = `job "${job}" runs on several workers with a repartition`;
  const chained = cuts.flatMap((cut) => {
    const before = cuts.filter((other) => other !== cut && upstreamOf(cut.operator).has(other.operator));
    return before.length === 0
      ? []
      : [`"${cut.operator.id}" (after ${before.map((b) => `"${b.operator.id}"`).join(", ")})`];
  });
  if (chained.length > 0) {
    throw new PipelineDefinitionError(
      `${where}, but keyed operator${chained.length > 1 ? "s" : ""} ${chained.join(", ")} ${chained.length > 1 ? "need their" : "needs its"} own after another's: a chain of repartitions is not supported yet`,
    );
  }
  for (const { operator } of cuts) {
    for (let node: GraphNode = operator.input; node !== source; ) {
      // Only operators that emit for each record at once, in order, keep the writer's numbering
      // deterministic: a replay (from a checkpoint, state restored) emits the same records in the
      // same order (see RecordNumbering). A keyed one must be co-partitioned with the source: its
      // state then follows the source's splits in stage 0.
      if (node.kind !== "operator" || !numberable(node, source, partitionKey)) {
        throw new PipelineDefinitionError(
          `${where}, but "${node.id}" stands between source "${source.id}" and keyed operator "${operator.id}": a repartition after anything but filter, withWatermarks, map, flatMap and a reduce keyed by the source's partitionKey is not supported yet`,
        );
      }
      node = node.input;
    }
  }
  return cuts.sort((a, b) => (a.operator.id < b.operator.id ? -1 : a.operator.id > b.operator.id ? 1 : 0));
}

/** Every node `node` reads, directly or not. */
function upstreamOf(node: GraphNode): Set<GraphNode> {
  const reached = new Set<GraphNode>();
  const pending = inputsOf(node);
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (reached.has(next)) continue;
    reached.add(next);
    pending.push(...inputsOf(next));
  }
  return reached;
}

function inputsOf(node: GraphNode): GraphNode[] {
  return node.kind === "union" ? [...node.inputs] : node.kind === "source" ? [] : [node.input];
}

/** Whether `node`'s output can be numbered per source split (see {@link findRepartitionCuts}). */
function numberable(
  node: OperatorNode,
  source: SourceNode,
  partitionKey: ((value: unknown) => Key) | undefined,
): boolean {
  const partitioning = node.spec.partitioning;
  if (partitioning === "forwards" || partitioning === "per-record") return true;
  return (
    typeof partitioning === "object" &&
    "keyOf" in partitioning &&
    partitioning.perRecord === true &&
    partitionKey !== undefined &&
    partitioning.keyOf === partitionKey &&
    forwardedFrom(node.input) === source
  );
}

/** One stage of a repartitioned job: a graph run on every worker under its own name and lease table. */
export interface Stage {
  /** 0 for the source's stage, `n` for the stage after the `n`-th repartition. */
  readonly index: number;
  /** The job's name for stage 0, `<job>/stage-<index>` after: its checkpoints and leases. */
  readonly name: string;
  readonly graph: JobGraph;
  /** The repartition streams the stage writes (stage 0: one per cut) or reads (one). */
  readonly streams: readonly string[];
}

/** What {@link planStages} needs besides the graph. */
export interface StagePlanOptions {
  readonly job: string;
  readonly graph: JobGraph;
  /** As {@link findRepartitionCuts} returns them (at least one): stage `n` is the `n`-th cut's. */
  readonly cuts: readonly RepartitionCut[];
  readonly channel: RepartitionChannel;
  readonly serde: Serde<unknown>;
  readonly keyGroups: number;
  /** Stage 0's: each cut's writer numbers with `numbering.writer(<operator id>)`. */
  readonly numbering: RecordNumbering;
  /** Upstream splits not yet finished (see `repartitionReaderOperator`). */
  readonly upstreamSplits: () => readonly string[];
  /**
   * Resolves with every upstream split once each one's lease is finished: with a bounded source,
   * the later stages then end like a bounded job (see `repartitionStreamSource`).
   */
  readonly upstreamFinished?: Promise<readonly string[]> | undefined;
}

/**
 * The job's graph cut at its repartitions: stage 0 is the source and everything not after a cut,
 * ending in one repartition writer and its sink per cut, each writing the cut's own stream;
 * stage `n` starts with the `n`-th cut's stream read as a source (co-partitioned with the keyed
 * operator by construction: its partition key is the operator's key) and the reader operator,
 * followed by the keyed operator and everything after it. Node ids are kept, so checkpointed
 * state maps to the same operators. Refused in one line: a node that reads both sides of a cut,
 * or the outputs of two cuts (it would belong to two stages).
 */
export function planStages(options: StagePlanOptions): {
  streams: readonly string[];
  stages: readonly Stage[];
} {
  const { job, graph, cuts, channel, serde, keyGroups, numbering, upstreamSplits, upstreamFinished } =
    options;
  if (cuts.length === 0) throw new Error(`job "${job}": planStages needs at least one cut`);
  const labels = new Map(graph.describe().nodes.map((node) => [node.id, node.label]));
  const downstreams = cuts.map((cut) => downstreamOf(graph, cut.operator));
  const stageOf = new Map<GraphNode, RepartitionCut>();
  cuts.forEach((cut, i) => {
    for (const node of downstreams[i]!) {
      const other = stageOf.get(node);
      if (other) {
        throw new PipelineDefinitionError(
          `job "${job}" runs on several workers with repartitions, but "${node.id}" reads what both "${other.operator.id}" and "${cut.operator.id}" emit (two repartitions): that is not supported yet`,
        );
      }
      stageOf.set(node, cut);
    }
  });
  cuts.forEach((cut, i) => {
    const downstream = downstreams[i]!;
    for (const node of downstream) {
      for (const input of inputsOf(node)) {
        if (node !== cut.operator && !downstream.has(input)) {
          throw new PipelineDefinitionError(
            `job "${job}" runs on several workers with a repartition, but "${node.id}" reads both sides of it ("${input.id}" is before keyed operator "${cut.operator.id}"): that is not supported yet`,
          );
        }
      }
    }
  });
  const source = cuts[0]!.source;
  const streams = cuts.map((cut) => repartitionStreamName(job, cut.operator.id));
  const writers = cuts.map((cut) => numbering.writer(cut.operator.id));

  const upstream = new JobGraph(job);
  const upstreamNodes = new Map<GraphNode, GraphNode>();
  const paths = cuts.map(pathToCut);
  for (const node of graph.nodes) {
    if (stageOf.has(node)) continue;
    let copy =
      node === source
        ? { ...node, source: numberedSource(source.source as SplittableSource<unknown>, numbering) }
        : withInputs(node, upstreamNodes);
    const feeds = writers.filter((_, i) => paths[i]!.has(node));
    if (copy.kind === "operator" && feeds.length > 0) copy = keepingSplitWatermarks(copy, source, feeds);
    upstreamNodes.set(
      node,
      upstream.add(labels.get(node.id)!, node.id, () => copy),
    );
  }
  cuts.forEach((cut, i) => {
    const stream = streams[i]!;
    const writer = upstream.add("repartition-writer", `repartition-writer(${cut.operator.id})`, (id) => ({
      kind: "operator",
      id,
      input: upstreamNodes.get(cut.operator.input)!,
      spec: {
        id,
        factory: repartitionWriterOperator({
          keyOf: cut.keyOf,
          numbering: writers[i]!,
          serde,
          sourceId: source.id,
        }),
      },
    }));
    upstream.add(`sink(repartition(${stream}))`, `repartition-out(${cut.operator.id})`, (id) => ({
      kind: "sink",
      id,
      input: writer,
      sink: repartitionWriterSink({ channel, stream, numbering: writers[i]!, serde, keyGroups }),
    }));
  });

  const stages: Stage[] = [{ index: 0, name: job, graph: upstream, streams }];
  cuts.forEach((cut, i) => {
    const index = i + 1;
    const stream = streams[i]!;
    const downstreamGraph = new JobGraph(`${job}/stage-${index}`);
    const reader = channel.reader(stream);
    const ends = new UpstreamEnds();
    const readerSource = repartitionStreamSource(reader, {
      keyOf: cut.keyOf,
      ends,
      // An unbounded upstream never ends: nor does the stream's reading.
      upstreamFinished: (source.source as SplittableSource<unknown>).bounded ? upstreamFinished : undefined,
    });
    const readerNode = downstreamGraph.add(
      `source(${reader.name})`,
      `repartition-in(${cut.operator.id})`,
      (id) => ({
        kind: "source",
        id,
        source: readerSource,
      }),
    );
    const dedupe = downstreamGraph.add(
      "repartition-reader",
      `repartition-reader(${cut.operator.id})`,
      (id) => ({
        kind: "operator",
        id,
        input: readerNode,
        spec: {
          id,
          factory: repartitionReaderOperator({
            keyOf: cut.keyOf,
            serde,
            upstreamSplits,
            ends,
            sourceId: readerNode.id,
          }),
          // It hands on the records' values, keyed as they were written: the keyed operator after it
          // is co-partitioned with the stream.
          partitioning: "forwards",
        },
      }),
    );
    const downstream = downstreams[i]!;
    const downstreamNodes = new Map<GraphNode, GraphNode>([[cut.operator.input, dedupe]]);
    for (const node of graph.nodes) {
      if (!downstream.has(node)) continue;
      const copy = withInputs(node, downstreamNodes);
      downstreamNodes.set(
        node,
        downstreamGraph.add(labels.get(node.id)!, node.id, () => copy),
      );
    }
    stages.push({ index, name: `${job}/stage-${index}`, graph: downstreamGraph, streams: [stream] });
  });
  return { streams, stages };
}

function keyOfPartitioning(
  partitioning: OperatorPartitioning | undefined,
): ((value: unknown) => Key) | undefined {
  return typeof partitioning !== "object" || !("keyOf" in partitioning) ? undefined : partitioning.keyOf;
}

/** The key a `reinterpretAsKeyed` operator asserts its input is partitioned by. */
function assertedKeyOf(
  partitioning: OperatorPartitioning | undefined,
): ((value: unknown) => Key) | undefined {
  return typeof partitioning === "object" && "asserted" in partitioning ? partitioning.asserted : undefined;
}

/** The node whose records reach `node` unchanged, through record-forwarding operators only. */
function forwardedFrom(node: GraphNode): GraphNode {
  let current = node;
  while (current.kind === "operator" && current.spec.partitioning === "forwards") current = current.input;
  return current;
}

/** The operators between the cut's source and its keyed operator (a chain: the cut checked it). */
function pathToCut(cut: RepartitionCut): Set<GraphNode> {
  const path = new Set<GraphNode>();
  for (let node: GraphNode = cut.operator.input; node !== cut.source && node.kind === "operator"; ) {
    path.add(node);
    node = node.input;
  }
  return path;
}

/**
 * `node`, whose watermark assigner (if it is one) tells the `writers` it feeds each split's own
 * watermark: kept with the split's position, it is the split's floor after a restore, higher than
 * the merged watermark a writer sees when another split of the run lags behind.
 */
function keepingSplitWatermarks(
  node: OperatorNode,
  source: SourceNode,
  writers: readonly WriterNumbering[],
): OperatorNode {
  const prefix = `${source.id}/`;
  const factory = node.spec.factory;
  return {
    ...node,
    spec: {
      ...node.spec,
      factory: (context, output) =>
        factory(
          {
            ...context,
            splitWatermark: (split: string, watermark: number) => {
              // Whoever else the context tells (the checkpoint, beside the split's position) still hears it.
              context.splitWatermark?.(split, watermark);
              if (!split.startsWith(prefix)) return;
              for (const writer of writers) writer.keepWatermark([split.slice(prefix.length)], watermark);
            },
          },
          output,
        ),
    },
  };
}

/** `operator` and every node that reads it, directly or not. */
function downstreamOf(graph: JobGraph, operator: OperatorNode): Set<GraphNode> {
  const reached = new Set<GraphNode>([operator]);
  for (const node of graph.nodes) {
    const inputs = node.kind === "union" ? node.inputs : node.kind === "source" ? [] : [node.input];
    if (inputs.some((input) => reached.has(input))) reached.add(node);
  }
  return reached;
}

/** `node` reading the copies of its inputs. */
function withInputs(node: GraphNode, copies: ReadonlyMap<GraphNode, GraphNode>): GraphNode {
  const copyOf = (input: GraphNode) => copies.get(input) ?? input;
  switch (node.kind) {
    case "source":
      return node;
    case "union":
      return { ...node, inputs: node.inputs.map(copyOf) };
    default:
      return { ...node, input: copyOf(node.input) } as GraphNode;
  }
}
