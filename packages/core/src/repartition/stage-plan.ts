import { PipelineDefinitionError } from "../runtime/errors.ts";
import { type GraphNode, JobGraph, type OperatorNode, type SourceNode } from "../runtime/graph.ts";
import type { OperatorPartitioning } from "../runtime/operator-stage.ts";
import { isSplittable, type SplittableSource } from "../runtime/source.ts";
import type { Key } from "../state/key-group.ts";
import type { Serde } from "../state/serde.ts";
import { numberedSource, type RecordNumbering } from "./record-numbering.ts";
import { type RepartitionChannel, repartitionStreamName } from "./repartition-channel.ts";
import { repartitionReaderOperator } from "./repartition-reader.ts";
import { repartitionStreamSource } from "./repartition-source.ts";
import { repartitionWriterOperator, repartitionWriterSink } from "./repartition-writer.ts";
import { UpstreamEnds } from "./upstream-ends.ts";

/**
 * Where a job's graph is cut for a repartition: the keyed operator whose key is not the source's
 * partition key, and the stream its records go through.
 *
 * @example
 * const cut = findRepartitionCut("clicks", job.graph);
 * if (cut) console.log(`${cut.operator.id} reads ${repartitionStreamName("clicks", cut.operator.id)}`);
 * declare const job: { graph: JobGraph };
 */
export interface RepartitionCut {
  readonly source: SourceNode;
  readonly operator: OperatorNode;
  readonly keyOf: (value: unknown) => Key;
}

/**
 * The keyed operator of `graph` that is not co-partitioned with the job's one splittable source,
 * if there is one; `undefined` when every keyed operator is (no repartition needed) or when the
 * job is not of the shape a repartition needs (one splittable source: the cluster check reports
 * that). What this version cannot cut is refused with one line saying so: more than one such
 * operator, or anything but `filter`, `withWatermarks`, `map` and `flatMap` between the source
 * and it.
 */
export function findRepartitionCut(job: string, graph: JobGraph): RepartitionCut | undefined {
  const sources = graph.nodes.filter((node): node is SourceNode => node.kind === "source");
  if (sources.length !== 1 || !isSplittable(sources[0]!.source)) return undefined;
  const source = sources[0]!;
  const partitionKey = (source.source as SplittableSource<unknown>).partitionKey;
  const cuts: { operator: OperatorNode; keyOf: (value: unknown) => Key }[] = [];
  for (const node of graph.nodes) {
    if (node.kind !== "operator") continue;
    const keyOf = keyOfPartitioning(node.spec.partitioning);
    if (!keyOf) continue;
    const origin = forwardedFrom(node.input);
    if (origin === source && partitionKey !== undefined && keyOf === partitionKey) continue;
    // Keyed again by the key a stream was reinterpreted as keyed by: partitioned by it already.
    if (origin.kind === "operator" && assertedKeyOf(origin.spec.partitioning) === keyOf) continue;
    cuts.push({ operator: node, keyOf });
  }
  if (cuts.length === 0) return undefined;
  const where = `job "${job}" runs on several workers with a repartition`;
  if (cuts.length > 1) {
    throw new PipelineDefinitionError(
      `${where}, but ${cuts.length} keyed operators (${cuts.map((c) => c.operator.id).join(", ")}) need one: more than one repartition per job is not supported yet`,
    );
  }
  const { operator, keyOf } = cuts[0]!;
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
  return { source, operator, keyOf };
}

/** Whether `node`'s output can be numbered per source split (see {@link findRepartitionCut}). */
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
  /** 0 for the source's stage, 1 for the stage after the repartition. */
  readonly index: number;
  /** The job's name for stage 0, `<job>/stage-<index>` after: its checkpoints and leases. */
  readonly name: string;
  readonly graph: JobGraph;
}

/** What {@link planStages} needs besides the graph. */
export interface StagePlanOptions {
  readonly job: string;
  readonly graph: JobGraph;
  readonly cut: RepartitionCut;
  readonly channel: RepartitionChannel;
  readonly serde: Serde<unknown>;
  readonly keyGroups: number;
  readonly numbering: RecordNumbering;
  /** Upstream splits not yet finished (see `repartitionReaderOperator`). */
  readonly upstreamSplits: () => readonly string[];
  /**
   * Resolves with every upstream split once each one's lease is finished: with a bounded source,
   * stage 1 then ends like a bounded job (see `repartitionStreamSource`).
   */
  readonly upstreamFinished?: Promise<readonly string[]> | undefined;
}

/**
 * The job's graph cut in two at the repartition: stage 0 is the source up to the cut, ending in
 * the repartition writer and its sink; stage 1 starts with the repartition stream read as a source
 * (co-partitioned with the keyed operator by construction: its partition key is the operator's
 * key) and the reader operator, followed by the keyed operator and everything after it. Node ids
 * are kept, so checkpointed state maps to the same operators.
 */
export function planStages(options: StagePlanOptions): { stream: string; stages: readonly Stage[] } {
  const { job, graph, cut, channel, serde, keyGroups, numbering, upstreamSplits, upstreamFinished } = options;
  const labels = new Map(graph.describe().nodes.map((node) => [node.id, node.label]));
  const downstream = downstreamOf(graph, cut.operator);
  for (const node of downstream) {
    const inputs = node.kind === "union" ? node.inputs : node.kind === "source" ? [] : [node.input];
    for (const input of inputs) {
      if (node !== cut.operator && !downstream.has(input)) {
        throw new PipelineDefinitionError(
          `job "${job}" runs on several workers with a repartition, but "${node.id}" reads both sides of it ("${input.id}" is before keyed operator "${cut.operator.id}"): that is not supported yet`,
        );
      }
    }
  }
  const stream = repartitionStreamName(job, cut.operator.id);
  const source = cut.source.source as SplittableSource<unknown>;

  const upstream = new JobGraph(job);
  const upstreamNodes = new Map<GraphNode, GraphNode>();
  const path = pathToCut(cut);
  for (const node of graph.nodes) {
    if (downstream.has(node)) continue;
    let copy =
      node === cut.source
        ? { ...node, source: numberedSource(source, numbering) }
        : withInputs(node, upstreamNodes);
    if (copy.kind === "operator" && path.has(node)) copy = keepingSplitWatermarks(copy, cut, numbering);
    upstreamNodes.set(
      node,
      upstream.add(labels.get(node.id)!, node.id, () => copy),
    );
  }
  const writer = upstream.add("repartition-writer", `repartition-writer(${cut.operator.id})`, (id) => ({
    kind: "operator",
    id,
    input: upstreamNodes.get(cut.operator.input)!,
    spec: {
      id,
      factory: repartitionWriterOperator({ keyOf: cut.keyOf, numbering, serde, sourceId: cut.source.id }),
    },
  }));
  upstream.add(`sink(repartition(${stream}))`, `repartition-out(${cut.operator.id})`, (id) => ({
    kind: "sink",
    id,
    input: writer,
    sink: repartitionWriterSink({ channel, stream, numbering, serde, keyGroups }),
  }));

  const downstreamGraph = new JobGraph(`${job}/stage-1`);
  const reader = channel.reader(stream);
  const ends = new UpstreamEnds();
  const readerSource = repartitionStreamSource(reader, {
    keyOf: cut.keyOf,
    ends,
    // An unbounded upstream never ends: nor does the stream's reading.
    upstreamFinished: source.bounded ? upstreamFinished : undefined,
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
  const downstreamNodes = new Map<GraphNode, GraphNode>([[cut.operator.input, dedupe]]);
  for (const node of graph.nodes) {
    if (!downstream.has(node)) continue;
    const copy = withInputs(node, downstreamNodes);
    downstreamNodes.set(
      node,
      downstreamGraph.add(labels.get(node.id)!, node.id, () => copy),
    );
  }
  return {
    stream,
    stages: [
      { index: 0, name: job, graph: upstream },
      { index: 1, name: `${job}/stage-1`, graph: downstreamGraph },
    ],
  };
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
 * `node`, whose watermark assigner (if it is one) tells `numbering` each split's own watermark:
 * kept with the split's position, it is the split's floor after a restore, higher than the
 * merged watermark the writer sees when another split of the run lags behind.
 */
function keepingSplitWatermarks(
  node: OperatorNode,
  cut: RepartitionCut,
  numbering: RecordNumbering,
): OperatorNode {
  const prefix = `${cut.source.id}/`;
  const splitWatermark = (split: string, watermark: number) => {
    if (split.startsWith(prefix)) numbering.keepWatermark([split.slice(prefix.length)], watermark);
  };
  const factory = node.spec.factory;
  return {
    ...node,
    spec: { ...node.spec, factory: (context, output) => factory({ ...context, splitWatermark }, output) },
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
