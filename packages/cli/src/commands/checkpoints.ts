import type { CheckpointManifest } from "@eddy/core";
import { type Command, InvalidArgumentError } from "commander";
import type { CliIo } from "../cli-io.ts";
import { type AdminStore, withStore } from "../open-store.ts";
import { storeOption } from "../options.ts";
import { bytes, formatTable, isoTime } from "../table.ts";

/** `eddy checkpoints list|show|delete`. */
export function checkpointsCommand(program: Command, io: CliIo): void {
  const checkpoints = program
    .command("checkpoints")
    .description("list, show and delete the checkpoints of jobs in a checkpoint store");

  checkpoints
    .command("list")
    .description("without a job: every job in the store; with one: its retained checkpoints, newest first")
    .argument("[job]", "the job's name (pipeline(name))")
    .addOption(storeOption(io))
    .option("--json", "print JSON instead of a table")
    .action(async (job: string | undefined, options: { store: string; json?: boolean }) => {
      await withStore(options.store, io, async (store) => {
        if (job === undefined) {
          const jobs = await jobSummaries(store);
          io.out(
            options.json
              ? json(jobs)
              : formatTable(
                  ["JOB", "CHECKPOINTS", "LATEST", "COMPLETED", "SAVEPOINTS"],
                  jobs.map((j) => [
                    j.job,
                    j.checkpoints,
                    j.latest ?? "-",
                    isoTime(j.completedAt),
                    j.savepoints,
                  ]),
                ),
          );
          return;
        }
        const listed = await store.checkpoints(job);
        io.out(options.json ? json(listed.map(summary)) : checkpointTable(listed));
      });
    });

  checkpoints
    .command("show")
    .description("one checkpoint of a job (default: its latest): sources, operators, sinks and sizes")
    .argument("<job>", "the job's name")
    .argument("[id]", "the checkpoint's id (default: the latest)", checkpointId)
    .addOption(storeOption(io))
    .option("--json", "print the manifest as JSON")
    .action(async (job: string, id: number | undefined, options: { store: string; json?: boolean }) => {
      await withStore(options.store, io, async (store) => {
        const listed = await store.checkpoints(job);
        const manifest = id === undefined ? listed[0] : listed.find((m) => m.checkpointId === id);
        if (manifest === undefined) {
          throw new Error(
            id === undefined
              ? `job "${job}" has no checkpoints in ${store.description}`
              : `job "${job}" has no checkpoint ${id} in ${store.description} (retained: ${listed.map((m) => m.checkpointId).join(", ") || "none"})`,
          );
        }
        io.out(options.json ? json(manifest) : describeManifest(manifest));
      });
    });

  checkpoints
    .command("delete")
    .description(
      "delete checkpoints of a job and the blobs nothing else retained references; the latest only with --force",
    )
    .argument("<job>", "the job's name")
    .argument("<ids...>", "the checkpoints' ids", (value: string, previous: number[] = []) => [
      ...previous,
      checkpointId(value),
    ])
    .addOption(storeOption(io))
    .option("--force", "also delete the job's latest checkpoint (a restart then resumes from the one before)")
    .action(async (job: string, ids: number[], options: { store: string; force?: boolean }) => {
      await withStore(options.store, io, async (store) => {
        const missing: number[] = [];
        for (const id of ids) {
          if (await store.deleteCheckpoint(job, id, { force: options.force ?? false })) {
            io.out(`deleted checkpoint ${id} of job "${job}"\n`);
          } else {
            missing.push(id);
          }
        }
        if (missing.length > 0) {
          throw new Error(`job "${job}" has no checkpoint ${missing.join(", ")} in ${store.description}`);
        }
      });
    });
}

/** A checkpoint id from the command line: a whole number ≥ 0. */
function checkpointId(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`a checkpoint id is a whole number, got "${value}"`);
  return Number(value);
}

/** One line per job: how many checkpoints and savepoints it has, and its latest. */
async function jobSummaries(store: AdminStore) {
  const jobs = [];
  for (const job of await store.jobs()) {
    const [checkpoints, savepoints] = await Promise.all([store.checkpoints(job), store.savepoints(job)]);
    jobs.push({
      job,
      checkpoints: checkpoints.length,
      latest: checkpoints[0]?.checkpointId,
      completedAt: checkpoints[0]?.completedAt,
      savepoints: savepoints.length,
    });
  }
  return jobs;
}

/** What a listing shows of a checkpoint. */
export function summary(manifest: CheckpointManifest) {
  const refs = refsOf(manifest);
  return {
    checkpointId: manifest.checkpointId,
    kind: manifest.kind,
    savepointName: manifest.savepointName,
    completedAt: manifest.completedAt,
    keyGroups: manifest.keyGroups,
    blobs: refs.length,
    bytes: refs.reduce((total, ref) => total + ref.size, 0),
  };
}

/** Checkpoints (or savepoints) as a table, newest first. */
export function checkpointTable(manifests: readonly CheckpointManifest[]): string {
  return formatTable(
    ["ID", "KIND", "NAME", "COMPLETED", "BLOBS", "SIZE"],
    manifests
      .map(summary)
      .map((s) => [
        s.checkpointId,
        s.kind,
        s.savepointName ?? "-",
        isoTime(s.completedAt),
        s.blobs,
        bytes(s.bytes),
      ]),
  );
}

function describeManifest(manifest: CheckpointManifest): string {
  const s = summary(manifest);
  const lines = [
    `job          ${manifest.job}`,
    `checkpoint   ${manifest.checkpointId}${manifest.kind === "savepoint" ? ` (savepoint "${manifest.savepointName ?? manifest.checkpointId}")` : ""}`,
    `completed    ${isoTime(manifest.completedAt)}`,
    `key groups   ${manifest.keyGroups}`,
    `state        ${s.blobs} blobs, ${bytes(s.bytes)}`,
    "",
  ];
  const sources = Object.entries(manifest.sources).map(([source, splits]) => [
    source,
    Object.keys(splits).length,
    JSON.stringify(splits).slice(0, 80),
  ]);
  lines.push(formatTable(["SOURCE", "SPLITS", "POSITIONS"], sources));
  const operators = Object.entries(manifest.operators).map(([operator, state]) => {
    const chains = Object.values(state.keyGroups);
    const refs = [...chains.flat(), ...(state.operator ? [state.operator] : [])];
    return [
      operator,
      chains.length,
      chains.filter((chain) => chain.some((ref) => ref.mode === "delta")).length,
      bytes(refs.reduce((total, ref) => total + ref.size, 0)),
    ];
  });
  lines.push(formatTable(["OPERATOR", "KEY GROUPS", "WITH DELTAS", "SIZE"], operators));
  const sinks = Object.entries(manifest.sinks).map(([sink, ref]) => [sink, bytes(ref.size)]);
  lines.push(formatTable(["SINK", "SIZE"], sinks));
  return lines.join("\n");
}

function refsOf(manifest: CheckpointManifest) {
  return [
    ...Object.values(manifest.operators).flatMap((state) => [
      ...Object.values(state.keyGroups).flat(),
      ...(state.operator ? [state.operator] : []),
    ]),
    ...Object.values(manifest.sinks),
  ];
}

/** Pretty JSON with a final newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
