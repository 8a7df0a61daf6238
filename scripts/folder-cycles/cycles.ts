import type { FolderGraph, ImportSite } from "./import-graph.ts";

/** One import that closes a folder cycle: `from` imports `to` at `site`. */
export interface CycleStep {
  readonly from: string;
  readonly to: string;
  readonly site: ImportSite;
}

/** A set of folders that import each other, and one concrete round trip through all of them. */
export interface FolderCycle {
  /** Every folder of the strongly connected set, sorted. */
  readonly folders: readonly string[];
  /** A closed walk through the set (each step names an import that makes it). */
  readonly path: readonly CycleStep[];
}

const targetsOf = (graph: FolderGraph, folder: string): string[] => [
  ...(graph.edges.get(folder)?.keys() ?? []),
];

/** Tarjan's strongly connected components; only those of two or more folders are cycles. */
function stronglyConnected(graph: FolderGraph): string[][] {
  const nodes = new Set<string>();
  for (const [from, targets] of graph.edges) {
    nodes.add(from);
    for (const to of targets.keys()) nodes.add(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of targetsOf(graph, node)) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of [...nodes].sort()) if (!index.has(node)) visit(node);
  return components;
}

/** Shortest path from `start` back to `start` inside `members` (breadth first). */
function shortestRoundTrip(graph: FolderGraph, start: string, members: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string;
    for (const next of targetsOf(graph, node).sort()) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        for (let at = node; at !== start; ) {
          at = previous.get(at) as string;
          path.unshift(at);
        }
        return [...path, start];
      }
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  return [start];
}

/**
 * Every import cycle between folders of the graph, each with the shortest round trip from its
 * first folder, so the report names the imports to move.
 */
export function folderCycles(graph: FolderGraph): FolderCycle[] {
  return stronglyConnected(graph).map((folders) => {
    const walk = shortestRoundTrip(graph, folders[0] as string, new Set(folders));
    const path = walk.slice(1).map((to, i) => {
      const from = walk[i] as string;
      const site = graph.edges.get(from)?.get(to)?.[0] as ImportSite;
      return { from, to, site };
    });
    return { folders, path };
  });
}
