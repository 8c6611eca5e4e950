/**
 * The staff directory: where notices to supervisors, program managers, agency HR and DAS go. The
 * program knows people by staff id and agencies by code, never by address; HR keeps this table,
 * loaded from a JSON file (`npm run admin -- load-staff <file>`). The trainee's address is
 * in the enrollment and is not looked up here.
 */
import { readFile } from 'node:fs/promises';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { RecipientRole } from '../domain/notices.js';

export type DirectoryEntryKind = 'staff' | 'agency-hr' | 'das';

export const directoryEntrySchema = z.strictObject({
  kind: z.enum(['staff', 'agency-hr', 'das']),
  /** A staff id, an agency code, or "DAS". */
  ref: z.string().min(1),
  displayName: z.string().min(1),
  email: z.email(),
});

export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;

/** Which part of the directory answers for a recipient role; the trainee is not in it. */
const ENTRY_KIND = new Map<string, DirectoryEntryKind>([
  ['supervisor', 'staff'],
  ['program-manager', 'staff'],
  ['agency-hr', 'agency-hr'],
  ['das', 'das'],
] satisfies [Exclude<RecipientRole, 'trainee'>, DirectoryEntryKind][]);

export function entryKindFor(role: string): DirectoryEntryKind | null {
  return ENTRY_KIND.get(role) ?? null;
}

export async function lookUpAddress(db: Pool, role: string, ref: string): Promise<string | null> {
  const kind = entryKindFor(role);
  if (!kind) return null;
  const { rows } = await db.query<{ email: string }>('SELECT email FROM staff_directory WHERE entry_kind = $1 AND ref = $2', [kind, ref]);
  return rows[0]?.email ?? null;
}

/** A supervisor or program manager as others see them: id and name, never the address. */
export interface StaffMember {
  staffId: string;
  name: string;
}

/**
 * Staff members by part of their name or id (case-insensitive), by id, or both; by name. The
 * directory's names and ids only: addresses stay with the notices.
 */
export async function findStaff(
  db: Pool,
  { q, ids, limit }: { q?: string | undefined; ids?: readonly string[] | undefined; limit: number },
): Promise<StaffMember[]> {
  const { rows } = await db.query<StaffMember>(
    `SELECT ref AS "staffId", display_name AS name FROM staff_directory
      WHERE entry_kind = 'staff'
        AND ($1::text IS NULL OR strpos(lower(display_name), lower($1)) > 0 OR strpos(lower(ref), lower($1)) > 0)
        AND ($2::text[] IS NULL OR ref = ANY($2))
      ORDER BY display_name, ref
      LIMIT $3`,
    [q ?? null, ids ? [...ids] : null, limit],
  );
  return rows;
}

/** Which of these staff ids the directory does not know (so no notice would have an address). */
export async function unknownStaffIds(db: Pool, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ ref: string }>("SELECT ref FROM staff_directory WHERE entry_kind = 'staff' AND ref = ANY($1)", [
    [...ids],
  ]);
  const known = new Set(rows.map((r) => r.ref));
  return new Set(ids.filter((id) => !known.has(id)));
}

/** Adds or updates entries; an entry not in the file is left as it is. */
export async function loadDirectory(db: Pool, entries: readonly DirectoryEntry[]): Promise<{ loaded: number }> {
  if (entries.length === 0) return { loaded: 0 };
  const result = await db.query(
    `INSERT INTO staff_directory (entry_kind, ref, display_name, email)
     SELECT kind, ref, display_name, email FROM jsonb_to_recordset($1::jsonb) AS r(kind text, ref text, display_name text, email text)
     ON CONFLICT (entry_kind, ref) DO UPDATE SET display_name = EXCLUDED.display_name, email = EXCLUDED.email, updated_at = now()`,
    [JSON.stringify(entries.map((e) => ({ kind: e.kind, ref: e.ref, display_name: e.displayName, email: e.email })))],
  );
  return { loaded: result.rowCount ?? 0 };
}

export async function readDirectoryFile(path: string): Promise<DirectoryEntry[]> {
  const parsed = z.array(directoryEntrySchema).safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path}: ${parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
