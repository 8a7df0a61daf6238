import type { OutputTag } from "../dsl/output-tag.ts";
import { PipelineDefinitionError } from "./errors.ts";
import type { OperatorSpec } from "./operator-stage.ts";
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
 * The dataflow graph a pipeline builds. Node ids are stable for the same pipeline code (name or
 * method plus position), which is what maps checkpointed state back to operators.
 */
export class JobGraph {
  readonly #nodes: GraphNode[] = [];
  readonly #ids = new Set<string>();

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
    if (this.#ids.has(id)) {
      throw new PipelineDefinitionError(
        `pipeline "${this.jobName}": two operators are named "${id}"; names must be unique`,
      );
    }
    this.#ids.add(id);
    const node = make(id);
    this.#nodes.push(node);
    return node;
  }
}
