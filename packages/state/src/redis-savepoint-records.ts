import type {
  JobSavepoint,
  LeaseRefusal,
  SavepointLease,
  SavepointRequest,
  SavepointWrite,
} from "@eddy/core";

/** A savepoint script's answer: code, message, the request's fields (HGETALL), the staged lease keys. */
type SavepointAnswer = [code: string, message: string, fields: string[], staged: string[]];

/** The request a HGETALL of the request hash and the staged lease keys describe (none when empty). */
export function parseSavepointRequest(
  fields: Record<string, string>,
  staged: readonly string[],
): SavepointRequest | undefined {
  if (fields.id === undefined) return undefined;
  return {
    id: Number(fields.id),
    name: fields.name ?? "",
    stop: fields.stop === "1",
    state: fields.state as SavepointRequest["state"],
    ...(fields.message === undefined ? {} : { message: fields.message }),
    staged: [...staged].sort(),
  };
}

/** A savepoint script's answer as a {@link SavepointWrite}. */
export function savepointWrite(reply: unknown): SavepointWrite {
  const [code, message, flat, staged] = reply as SavepointAnswer;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  const request = parseSavepointRequest(fields, staged);
  if (code === "ok") return { ok: true, request: request! };
  return { ok: false, code: code as LeaseRefusal, message, request };
}

/** A completed savepoint from its four hashes (none when its meta hash is empty). */
export function parseJobSavepoint(
  meta: Record<string, string>,
  leases: Record<string, string>,
  keyGroups: Record<string, string>,
  committables: Record<string, string>,
): JobSavepoint | undefined {
  if (meta.name === undefined) return undefined;
  const parsedLeases: SavepointLease[] = Object.entries(leases)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([leaseKey, json]) => {
      const saved = JSON.parse(json) as {
        checkpoint?: string;
        sub?: string;
        parentShardIds: string;
        keyGroups: string;
      };
      return {
        leaseKey,
        checkpoint: saved.checkpoint,
        checkpointSubSequenceNumber: saved.sub === undefined ? undefined : Number(saved.sub),
        parentShardIds: JSON.parse(saved.parentShardIds) as string[],
        keyGroups: JSON.parse(saved.keyGroups) as number[],
      };
    });
  return {
    name: meta.name,
    id: Number(meta.id),
    leases: parsedLeases,
    keyGroups: new Map(
      Object.entries(keyGroups)
        .map(([group, json]) => {
          const { leaseKey, state } = JSON.parse(json) as { leaseKey: string; state: unknown };
          return [Number(group), { leaseKey, state }] as const;
        })
        .sort(([a], [b]) => a - b),
    ),
    committables: new Map(
      Object.entries(committables)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([worker, json]) => {
          const { incarnation, state } = JSON.parse(json) as { incarnation: number; state: unknown };
          return [worker, { incarnation, state }] as const;
        }),
    ),
  };
}
