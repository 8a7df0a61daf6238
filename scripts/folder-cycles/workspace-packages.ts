import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The package folders named by `pnpm-workspace.yaml`'s `packages:` list. Only the forms this
 * repository uses are understood (`dir/*` and plain paths); anything else is refused by name rather
 * than silently skipped, so a new kind of entry cannot hide a package from the check.
 */
export function workspacePackages(root: string): string[] {
  const lines = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8").split("\n");
  const start = lines.findIndex((line) => /^packages:\s*$/.test(line));
  if (start < 0) throw new Error(`${join(root, "pnpm-workspace.yaml")}: no "packages:" list`);
  const entries: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const entry = /^\s+-\s+["']?([^"'#\s]+)["']?\s*(#.*)?$/.exec(line);
    if (!entry) break;
    entries.push(entry[1] as string);
  }
  return entries.flatMap((entry) => {
    if (entry.endsWith("/*") && !entry.slice(0, -2).includes("*")) {
      const parent = join(root, entry.slice(0, -2));
      if (!existsSync(parent)) return [];
      return readdirSync(parent, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(parent, d.name, "package.json")))
        .map((d) => join(entry.slice(0, -2), d.name));
    }
    if (entry.includes("*") || entry.startsWith("!")) {
      throw new Error(`pnpm-workspace.yaml: cannot read the package entry "${entry}"`);
    }
    return [entry];
  });
}
