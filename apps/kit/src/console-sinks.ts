import { consoleSink, type Sink } from "@eddy/core";
import type { DeadLetter } from "./dead-letters.ts";
import { clockTime, style } from "./style.ts";

/** Prints each dead letter on one line: when, where from, why, and the start of the record. */
export function deadLetterConsole(name: string): Sink<DeadLetter> {
  return consoleSink({
    name,
    format: (letter) =>
      style(
        "red",
        ` ✗ ${clockTime(letter.timestamp, true)}  dead letter from ${letter.origin}: ${letter.reason}`,
      ) + style("dim", `\n     ${JSON.stringify(letter.record.slice(0, 100))}`),
  });
}
