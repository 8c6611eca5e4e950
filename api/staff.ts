/**
 * The staff directory as the API shows it: supervisors and program managers by id and name, for
 * the web UI's staff picker and for showing people by name. Addresses never leave the directory.
 * Enrollment, transfer and import name staff by id; an id the directory does not know is refused
 * (422 `unknown-staff-member`), so no notice is ever addressed to nobody.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { findStaff, unknownStaffIds } from '../db/staff-directory.js';
import type { StaffList } from './types.js';
import { API_ROLES } from './auth.js';
import { ApiError } from './errors.js';
import { errorResponse } from './schemas.js';

export const UNKNOWN_STAFF_MEMBER = 'unknown-staff-member';
const MAX_IDS = 50;

export const staffListResponse = z
  .object({
    items: z.array(z.object({ staffId: z.string(), name: z.string().describe('The name the staff directory gives') })).describe('By name'),
  })
  .meta({ id: 'StaffList' });

const staffQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).optional().describe('Part of a name or staff id, any case'),
  ids: z
    .string()
    .max(MAX_IDS * 101)
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    )
    .refine((ids) => ids.length <= MAX_IDS, { message: `names at most ${MAX_IDS} staff ids` })
    .optional()
    .describe(`Staff ids, comma-separated (at most ${MAX_IDS}): the names of these people`),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** The staff-id fields of a request, by the path the contract names them. */
type StaffFields = Partial<Record<'supervisorId' | 'programManagerId', string>>;

const ROLE_OF_FIELD = { supervisorId: 'supervisor', programManagerId: 'program manager' } as const;

/** The contract's error for staff ids the directory does not know, naming each field; null when all are known. */
export async function unknownStaffError(db: Pool, fields: StaffFields): Promise<ApiError | null> {
  const named = (Object.keys(ROLE_OF_FIELD) as (keyof StaffFields)[]).flatMap((field) => {
    const id = fields[field];
    return id === undefined ? [] : [{ field, id }];
  });
  const unknown = await unknownStaffIds(db, [...new Set(named.map((n) => n.id))]);
  const issues = named
    .filter((n) => unknown.has(n.id))
    .map((n) => ({
      path: n.field,
      code: UNKNOWN_STAFF_MEMBER,
      message: `The ${ROLE_OF_FIELD[n.field]} is not in the staff directory: choose a staff member it lists.`,
    }));
  const first = issues[0];
  return first ? new ApiError(422, UNKNOWN_STAFF_MEMBER, first.message, issues) : null;
}

export async function staffRoutes(app: FastifyInstance, { db }: { db: Pool }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/staff',
    {
      schema: {
        tags: ['reference'],
        summary: 'Supervisors and program managers of the staff directory, by id and name',
        description:
          'For choosing a supervisor or program manager (`q`) and for showing people by name (`ids`). Ids and names only; addresses stay in the directory. ' +
          'Enrollment, transfer and import accept only staff ids listed here (422 `unknown-staff-member`).',
        querystring: staffQuery,
        response: { 200: staffListResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse },
      },
      config: { access: { kind: 'roles', roles: API_ROLES } },
    },
    async (request): Promise<StaffList> => {
      const { q, ids, limit } = request.query;
      return { items: await findStaff(db, { q, ids, limit: ids ? Math.max(limit, ids.length) : limit }) };
    },
  );
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertTrue = <T extends true>(): T | undefined => undefined;
assertTrue<Same<z.infer<typeof staffListResponse>, StaffList>>();
