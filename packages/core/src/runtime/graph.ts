import { PipelineDefinitionError } from "./errors.ts";
import type { OperatorSpec } from "./operator-stage.ts";
import type { OutputTag } from "./output-tag.ts";
import type { Sink } from "./sink.ts";
import type { Source } from "./source.ts";

export interface SourceNode {
  readonly kind: "source";
  readonly id: string;
  readonly source: Source<unknown>;
}
export interface OperatorNode {
  readonly kind: "operator";
  readonly id: string;
  readonly input: GraphNode;
  readonly spec: OperatorSpec<unknown, unknown>;
}
/** The records an upstream operator sent to one of its side outputs. */
export interface SideOutputNode {
  readonly kind: "side-output";
  readonly id: string;
  readonly input: GraphNode;
  readonly tag: OutputTag<unknown>;
}
export interface UnionNode {
  readonly kind: "union";
  readonly id: string;
  readonly inputs: readonly GraphNode[];
}
export interface SinkNode {
  readonly kind: "sink";
  readonly id: string;
  readonly input: GraphNode;
  readonly sink: Sink<unknown>;
}
export type GraphNode = SourceNode | OperatorNode | SideOutputNode | UnionNode | SinkNode;

/**
 * One node of a {@link JobDescription}.
 *
 * @example
 * for (const node of job.describe().nodes) console.log(`${node.id}: ${node.kind} ${node.label}`);
 */
export interface NodeDescription {
  /** The node's id: its name if given, else `label#n`; the key of its metrics and state. */
  readonly id: string;
  /** `source`, `operator`, `union` (merges streams), `side-output` (reads a tag) or `sink`. */
  readonly kind: GraphNode["kind"];
  /** What the node does, e.g. `map`, `window(tumbling 1m).aggregate`, `source(kinesis(fx))`. */
  readonly label: string;
  /** Side-output nodes: the id of the tag whose records they carry. */
  readonly tag?: string;
  /** Sources: whether the input ends. */
  readonly bounded?: boolean;
}

/**
 * A connection from one node to a node that reads it.
 *
 * @example
 * const lateEdges = job.describe().edges.filter((e) => e.tag !== undefined);
 */
export interface EdgeDescription {
  /** The id of the node the records come from. */
  readonly from: string;
  /** The id of the node that reads them. */
  readonly to: string;
  /** Set when `to` reads a side output of `from` rather than its main output. */
  readonly tag?: string;
}

/**
 * A job's dataflow graph as plain data: nodes in the order they were added, and their edges.
 * `job.describe()` returns it.
 *
 * @example
 * const graph: JobDescription = job.describe();
 * console.log(`${graph.job}: ${graph.nodes.length} nodes, ${graph.edges.length} edges`);
 */
export interface JobDescription {
  /** The job's name. */
  readonly job: string;
  /** Every node, in the order the pipeline added them. */
  readonly nodes: readonly NodeDescription[];
  /** Every edge, from a node to a node that reads it. */
  readonly edges: readonly EdgeDescription[];
  /**
   * Set when the job runs on several workers with a repartition (see `docs/repartition.md`): the
   * stages each worker runs, in order, each a graph of its own.
   */
  readonly stages?: readonly StageDescription[];
}

/**
 * One stage of a job with a repartition, as `job.describe().stages` lists it.
 *
 * @example
 * for (const stage of job.describe().stages ?? []) {
 *   console.log(`stage ${stage.stage} (${stage.name}): ${stage.nodes.map((n) => n.id).join(" → ")}`);
 * }
 * declare const job: Job;
 */
export interface StageDescription {
  /** 0 for the stage that reads the source, `n` for the one after the `n`-th repartition. */
  readonly stage: number;
  /** The name its checkpoints and leases are kept under. */
  readonly name: string;
  /**
   * The repartition streams the stage writes (stage 0: one per repartition) or reads (a later
   * stage: its one).
   */
  readonly streams: readonly string[];
  /** The stage's nodes, as in {@link JobDescription.nodes}. */
  readonly nodes: readonly NodeDescription[];
  /** The stage's edges, as in {@link JobDescription.edges}. */
  readonly edges: readonly EdgeDescription[];
}

/**
 * The dataflow graph a pipeline builds. Node ids are stable for the same pipeline code (name or
 * method plus position), which is what maps checkpointed state back to operators.
 */
export class JobGraph {
  readonly #nodes: GraphNode[] = [];
  readonly #labels = new Map<string, string>();

  constructor(readonly jobName: string) {}

  get nodes(): readonly GraphNode[] {
    return this.#nodes;
  }

  get sinks(): SinkNode[] {
    return this.#nodes.filter((n): n is SinkNode => n.kind === "sink");
  }

  /** Adds the node `make` builds, with id `name` if given (it must be unique), else `label#n`. */
  add<N extends GraphNode>(label: string, name: string | undefined, make: (id: string) => N): N {
    const id = name ?? `${label}#${this.#nodes.length + 1}`;
    if (this.#labels.has(id)) {
      throw new PipelineDefinitionError(
        `pipeline "${this.jobName}": two operators are named "${id}"; names must be unique`,
      );
    }
    this.#labels.set(id, label);
    const node = make(id);
    this.#nodes.push(node);
    return node;
  }

  /** The graph as plain data, for tools that show a job (dashboards, metrics). */
  describe(): JobDescription {
    const nodes: NodeDescription[] = [];
    const edges: EdgeDescription[] = [];
    for (const node of this.#nodes) {
      const label = this.#labels.get(node.id)!;
      switch (node.kind) {
        case "source":
          nodes.push({ id: node.id, kind: node.kind, label, bounded: node.source.bounded });
          break;
        case "side-output":
          nodes.push({ id: node.id, kind: node.kind, label, tag: node.tag.id });
          edges.push({ from: node.input.id, to: node.id, tag: node.tag.id });
          break;
        case "union":
          nodes.push({ id: node.id, kind: node.kind, label });
          for (const input of node.inputs) edges.push({ from: input.id, to: node.id });
          break;
        default:
          nodes.push({ id: node.id, kind: node.kind, label });
          edges.push({ from: node.input.id, to: node.id });
      }
    }
    return { job: this.jobName, nodes, edges };
  }
}
