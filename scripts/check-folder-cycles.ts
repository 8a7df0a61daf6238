// Fails (exit 1) when the source folders of any workspace package import each other in a cycle.
// Usage: tsx scripts/check-folder-cycles.ts [repository root]   (run by `npm run check`)
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { folderCycles } from "./folder-cycles/cycles.ts";
import { readFolderGraph } from "./folder-cycles/import-graph.ts";
import { workspacePackages } from "./folder-cycles/workspace-packages.ts";

const root = resolve(process.argv[2] ?? ".");
let found = 0;
let checked = 0;
for (const dir of workspacePackages(root).sort()) {
  const src = join(root, dir, "src");
  if (!existsSync(src)) continue;
  checked++;
  for (const cycle of folderCycles(readFolderGraph(src))) {
    found++;
    console.log(`${dir}/src: folders import each other: ${cycle.folders.join(" <-> ")}`);
    for (const { from, to, site } of cycle.path) {
      console.log(`  ${from} -> ${to}: ${site.file}:${site.line} imports "${site.specifier}"`);
    }
  }
}
if (found > 0) {
  console.log(
    `${found} folder import cycle(s). Move the concept to the folder it belongs to (contracts lower, ` +
      "implementations higher).",
  );
  process.exit(1);
}
console.log(`No import cycles between source folders (${checked} packages).`);
