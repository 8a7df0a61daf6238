import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** One relative import of a source file: where it is written and the file it names. */
export interface ImportSite {
  /** The importing file, relative to the `src` folder. */
  readonly file: string;
  /** 1-based line of the import. */
  readonly line: number;
  /** The specifier as written (`../runtime/operator.ts`). */
  readonly specifier: string;
}

/**
 * The imports between the top-level folders of one package's `src`: a folder is a node (a file
 * directly in `src`, such as `index.ts`, is a node of its own), and each edge keeps the import sites
 * that make it, so a report can say which line to change.
 */
export interface FolderGraph {
  /** `src` folder the graph was read from. */
  readonly src: string;
  /** folder → folders it imports → the imports that do. */
  readonly edges: ReadonlyMap<string, ReadonlyMap<string, readonly ImportSite[]>>;
}

// Tests, type tests and benchmarks may import across folders freely (a window test builds a whole
// pipeline); test-support folders exist only for them. The rule is about the shipped code.
const NOT_SHIPPED = /\.(test|test-d|bench)\.[cm]?tsx?$/;
const SOURCE = /\.[cm]?tsx?$/;
const SKIPPED_FOLDERS = new Set(["node_modules", "dist", "test-support"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) && !NOT_SHIPPED.test(entry.name) && !entry.name.endsWith(".d.ts")
      ? [path]
      : [];
  });
}

/** `runtime` for `src/runtime/x/y.ts`; `index` for `src/index.ts`. */
function folderOf(src: string, file: string): string {
  const [first = "", ...rest] = relative(src, file).split(sep);
  return rest.length > 0 ? first : first.replace(/\.[cm]?tsx?$/, "");
}

/**
 * Reads every shipped source file under `src` and returns the folder-level import graph. Imports
 * are found by TypeScript's own pre-processor, so `import type`, `export … from` and dynamic
 * `import()` all count: a type-only cycle still ties the folders together for a reader.
 */
export function readFolderGraph(src: string): FolderGraph {
  const root = resolve(src);
  const edges = new Map<string, Map<string, ImportSite[]>>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, "utf8");
    const from = folderOf(root, file);
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith(".")) continue;
      const target = resolve(dirname(file), imported.fileName);
      if (relative(root, target).startsWith("..")) continue;
      const to = folderOf(root, target);
      if (to === from) continue;
      const line = text.slice(0, imported.pos).split("\n").length;
      const site = { file: relative(root, file), line, specifier: imported.fileName };
      const targets = edges.get(from) ?? new Map<string, ImportSite[]>();
      edges.set(from, targets);
      targets.set(to, [...(targets.get(to) ?? []), site]);
    }
  }
  return { src: root, edges };
}
