import { readFile } from "node:fs/promises";
import type { CliIo } from "./cli-io.ts";
import { UsageError } from "./usage-error.ts";

/** Time a request to the job may take: a savepoint of large state takes a while. */
const REQUEST_TIMEOUT_MS = 120_000;

/** The control token: the file's first line, else `EDDY_CONTROL_TOKEN`. Never printed. */
export async function controlToken(tokenFile: string | undefined, io: CliIo): Promise<string> {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(tokenFile, "utf8");
    } catch (error) {
      throw new UsageError(
        `--token-file ${tokenFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
    const token = text.split(/\r?\n/)[0]!.trim();
    if (token === "") throw new UsageError(`--token-file ${tokenFile} is empty`);
    return token;
  }
  const token = io.env.EDDY_CONTROL_TOKEN?.trim();
  if (!token) {
    throw new UsageError(
      "this command needs the job's control token: --token-file <path> or the EDDY_CONTROL_TOKEN environment variable",
    );
  }
  return token;
}

/** The base URL of a job's HTTP port, checked. */
export function jobUrl(text: string): URL {
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
    throw new UsageError(`--url ${text} is not an http:// or https:// URL such as http://127.0.0.1:9249`);
  }
  return new URL(text);
}

/** An answer of the job: its status code and body text. */
export interface JobAnswer {
  readonly status: number;
  readonly text: string;
}

/** Sends one request to the job; a job that cannot be reached is an error saying where. */
export async function requestJob(
  base: URL,
  path: string,
  init: { method: "GET" | "POST"; token?: string; body?: string },
): Promise<JobAnswer> {
  const url = new URL(path, base);
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers,
      body: init.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `cannot reach the job at ${url.origin} (${cause?.code ?? cause?.message ?? (error as Error).message})`,
    );
  }
  return { status: response.status, text: (await response.text()).trim() };
}

/** An error for a control request the job did not carry out. */
export function refused(what: string, base: URL, answer: JobAnswer): Error {
  if (answer.status === 401) {
    return new Error(
      `${what}: the job at ${base.origin} refused the control token (401): check --token-file or EDDY_CONTROL_TOKEN`,
    );
  }
  if (answer.status === 404) {
    return new Error(
      `${what}: the job at ${base.origin} has no control endpoints (404): serveMetrics runs without control: { token }`,
    );
  }
  return new Error(
    `${what}: the job at ${base.origin} answered ${answer.status}: ${answer.text.split("\n")[0]}`,
  );
}
