const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/** Where the JSON value starting at `start` ends (exclusive), by brackets and strings alone. */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first !== "{" && first !== "[") {
    // A scalar: up to the next whitespace or the next document's opening.
    let i = start;
    while (
      i < text.length &&
      !WHITESPACE.has(text[i]!) &&
      text[i] !== "{" &&
      text[i] !== "[" &&
      text[i] !== '"'
    )
      i++;
    return i;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"') i = stringEnd(text, i) - 1;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/**
 * The JSON documents of one record's payload, in order. A payload usually holds one; a Lambda
 * preprocessor's output, a reference data file or a producer that batches may hold several,
 * concatenated or separated by whitespace (`{"a":1}{"a":2}`, JSON lines), and KDA maps each
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/dev/lambda-preprocessing.html). One
 * `JSON.parse` when the payload is one document; otherwise the boundaries are found by brackets
 * and strings and each document parsed alone. Throws a `SyntaxError` naming the document that
 * does not parse; whitespace alone holds no document.
 *
 * @example
 * splitJsonDocuments('{"a":1}\n{"a":2}'); // [{ a: 1 }, { a: 2 }]
 */
export function splitJsonDocuments(text: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch (error) {
    if (text.trim().length === 0) return [];
    const documents: unknown[] = [];
    let i = 0;
    while (i < text.length) {
      while (i < text.length && WHITESPACE.has(text[i]!)) i++;
      if (i >= text.length) break;
      const end = valueEnd(text, i);
      try {
        documents.push(JSON.parse(text.slice(i, end)));
      } catch (inner) {
        const why = (documents.length === 0 && end === text.length ? error : inner) as Error;
        throw new SyntaxError(
          `JSON document ${documents.length + 1} (at character ${i + 1}): ${why.message}`,
        );
      }
      i = end;
    }
    return documents;
  }
}
