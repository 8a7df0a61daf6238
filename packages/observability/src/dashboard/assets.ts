import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

/** A file the page loads, read once when the dashboard starts. */
export interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

const CLIENT_FILES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "graph.js": "text/javascript; charset=utf-8",
  "charts.js": "text/javascript; charset=utf-8",
  "views.js": "text/javascript; charset=utf-8",
  "checkpoints.js": "text/javascript; charset=utf-8",
  "favicon.svg": "image/svg+xml",
};

/**
 * The page's files by URL path: the client modules next to this file, and uPlot from its
 * installed package (no CDN: the dashboard works without internet access).
 */
export async function loadAssets(): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  const client = new URL("./client/", import.meta.url);
  for (const [name, contentType] of Object.entries(CLIENT_FILES)) {
    const body = await readFile(new URL(name, client));
    assets.set(name === "index.html" ? "/" : `/assets/${name}`, { contentType, body });
  }
  // Shared with the progress line; the client modules import it as "../../format.js".
  assets.set("/format.js", {
    contentType: "text/javascript; charset=utf-8",
    body: await readFile(new URL("../format.js", import.meta.url)),
  });
  const require = createRequire(import.meta.url);
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
