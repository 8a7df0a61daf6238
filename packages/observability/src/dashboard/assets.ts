import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** A file the page loads, read once when the dashboard starts. */
export interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** The page's files, in the package's `web/` directory (shipped as they are, not built). */
const WEB_FILES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "graph.js": "text/javascript; charset=utf-8",
  "charts.js": "text/javascript; charset=utf-8",
  "views.js": "text/javascript; charset=utf-8",
  "checkpoints.js": "text/javascript; charset=utf-8",
  "format.js": "text/javascript; charset=utf-8",
  "favicon.svg": "image/svg+xml",
};

/**
 * The page's files by URL path: `web/` of this package, and uPlot from its installed package (no
 * CDN: the dashboard works without internet access). The package finds its own directory by its
 * name, so this works from the sources and from the built `dist/` alike.
 */
export async function loadAssets(): Promise<Map<string, Asset>> {
  const require = createRequire(import.meta.url);
  const web = join(dirname(require.resolve("@eddy/observability/package.json")), "web");
  const assets = new Map<string, Asset>();
  for (const [name, contentType] of Object.entries(WEB_FILES)) {
    const body = await readFile(join(web, name));
    assets.set(name === "index.html" ? "/" : `/assets/${name}`, { contentType, body });
  }
  assets.set("/assets/uplot.js", {
    contentType: "text/javascript; charset=utf-8",
    body: await readFile(require.resolve("uplot/dist/uPlot.iife.min.js")),
  });
  assets.set("/assets/uplot.css", {
    contentType: "text/css; charset=utf-8",
    body: await readFile(require.resolve("uplot/dist/uPlot.min.css")),
  });
  return assets;
}
