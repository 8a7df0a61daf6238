import { filter, map, type Observable, share } from "rxjs";
import type { StreamElement } from "./elements.ts";
import type { GraphNode, SourceNode } from "./graph.ts";
import { operatorStage } from "./operator-stage.ts";
import type { StageRuntime } from "./stage-runtime.ts";
import { unionStage } from "./union-stage.ts";

type Elements = Observable<StreamElement<unknown>>;

/**
 * Turns the part of a graph that feeds `roots` into RxJS observables, one per node. A node read by
 * more than one downstream node is shared, so its upstream runs once; sources must therefore not
 * emit before every root is subscribed (they wait for the job's start signal).
 */
export function compileGraph(
  roots: readonly GraphNode[],
  runtime: StageRuntime,
  sourceElements: (node: SourceNode) => Elements,
): (node: GraphNode) => Elements {
  const consumers = new Map<GraphNode, number>();
  const count = (node: GraphNode) => {
    const seen = consumers.get(node);
    consumers.set(node, (seen ?? 0) + 1);
    if (seen !== undefined) return;
    for (const input of inputsOf(node)) count(input);
  };
  for (const root of roots) count(root);

  const compiled = new Map<GraphNode, Elements>();
  const build = (node: GraphNode): Elements => {
    const existing = compiled.get(node);
    if (existing) return existing;
    let elements = buildNode(node);
    if ((consumers.get(node) ?? 0) > 1) elements = elements.pipe(share());
    compiled.set(node, elements);
    return elements;
  };
  const buildNode = (node: GraphNode): Elements => {
    switch (node.kind) {
      case "source":
        return sourceElements(node);
      case "operator":
        return build(node.input).pipe(operatorStage(node.spec, runtime));
      case "side-output":
        return build(node.input).pipe(
          filter((e) => e.kind !== "data" || e.tag === node.tag),
          map((e) => (e.kind === "data" ? { kind: "data", values: e.values, timestamps: e.timestamps } : e)),
        );
      case "union":
        return unionStage(node.inputs.map(build));
      case "sink":
        return build(node.input);
    }
  };
  return build;
}

function inputsOf(node: GraphNode): readonly GraphNode[] {
  switch (node.kind) {
    case "source":
      return [];
    case "union":
      return node.inputs;
    default:
      return [node.input];
  }
}
