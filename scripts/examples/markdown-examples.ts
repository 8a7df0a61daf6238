import { dirname, resolve } from "node:path";
import type { Example } from "./example.ts";

const FENCE_OPEN = /^(\s*)```(ts|typescript)\s*$/;
/** Marks the block after it as a copy of a file, relative to the page: `<!-- file: examples/x.ts -->`. */
const COPY_OF = /^\s*<!--\s*file:\s*(\S+)\s*-->\s*$/;
const FENCE_CLOSE = /^\s*```\s*$/;

/** Every ```ts (or ```typescript) block of a Markdown page. */
export function markdownExamples(file: string, text: string, packageName?: string): Example[] {
  const examples: Example[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !FENCE_CLOSE.test(lines[end]!)) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: a code block that is never closed`);
    const code = lines
      .slice(start, end)
      .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join("\n");
    const copyOf = COPY_OF.exec(lines[i - 1] ?? "")?.[1];
    examples.push({
      file,
      line: start + 1,
      subject: file,
      code,
      packageName,
      ...(copyOf === undefined ? {} : { copyOf: resolve(dirname(file), copyOf) }),
    });
    i = end;
  }
  return examples;
}
