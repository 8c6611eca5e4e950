/**
 * The accounts of the development identity provider: the people of the development staff directory
 * (db/seeds/staff-directory.dev.json: their names and addresses) with the directory groups and
 * agencies of db/seeds/sign-in-accounts.dev.json, plus the people that file adds (HR, DAS, an
 * auditor, a trainee), who are not in the staff directory because no notice is addressed to them there.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { actorSchema } from '../domain/schemas.js';
import { directoryEntrySchema } from '../db/staff-directory.js';

export interface DevelopmentAccount {
  sub: string;
  name: string;
  email?: string;
  /** Directory groups; the API maps them to roles (OIDC_ROLE_MAP). */
  groups: string[];
  /** Agency codes an HR account acts for; absent: every agency. */
  agencies?: string[];
}

const accountEntry = z.strictObject({
  sub: actorSchema.shape.id,
  name: z.string().min(1).optional(),
  email: z.email().optional(),
  groups: z.array(z.string().min(1)).min(1),
  agencies: z.array(z.string().regex(/^[A-Z0-9]{2,10}$/)).optional(),
});

export const DEVELOPMENT_STAFF_DIRECTORY = fileURLToPath(new URL('../db/seeds/staff-directory.dev.json', import.meta.url));
export const DEVELOPMENT_SIGN_IN_ACCOUNTS = fileURLToPath(new URL('../db/seeds/sign-in-accounts.dev.json', import.meta.url));

/** Both files, joined by staff id; an account without a name in either file is refused by name. */
export async function loadDevelopmentAccounts(
  directoryPath = DEVELOPMENT_STAFF_DIRECTORY,
  accountsPath = DEVELOPMENT_SIGN_IN_ACCOUNTS,
): Promise<DevelopmentAccount[]> {
  const directory = z.array(directoryEntrySchema).parse(JSON.parse(await readFile(directoryPath, 'utf8')));
  const entries = z.array(accountEntry).parse(JSON.parse(await readFile(accountsPath, 'utf8')));
  const staff = new Map(directory.filter((entry) => entry.kind === 'staff').map((entry) => [entry.ref, entry]));
  return entries.map(({ sub, name, email, groups, agencies }) => {
    const listed = staff.get(sub);
    const displayName = name ?? listed?.displayName;
    if (!displayName) throw new Error(`${accountsPath}: account ${sub} has no name here nor in the staff directory`);
    const address = email ?? listed?.email;
    return { sub, name: displayName, groups, ...(address ? { email: address } : {}), ...(agencies ? { agencies } : {}) };
  });
}
