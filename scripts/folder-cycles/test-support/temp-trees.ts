import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Makes temporary file trees for a test file and removes them all (call `removeAll` in `afterEach`). */
export function tempTrees() {
  const made: string[] = [];
  return {
    /** A new temporary folder holding `files` (relative path → text). */
    tree(files: Record<string, string>): string {
      const root = mkdtempSync(join(tmpdir(), "eddy-folder-cycles-"));
      made.push(root);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      return root;
    },
    removeAll(): void {
      for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
    },
  };
}
