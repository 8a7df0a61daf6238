// Types of the page's globals: uPlot is loaded by a classic script before the modules.
declare global {
  const uPlot: typeof import("uplot");
}

export {};
