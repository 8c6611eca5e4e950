/**
 * The one table of error codes (client/error-codes.ts): the API answers each code with the status it
 * names, whatever status the code that raised it wrote; the CLI's exit code follows the code, or the
 * status for a rule's own code; docs/api.md lists exactly the table.
 */
import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ApiError, errorBodyFor, forbidden, notFound, unauthorized } from '../../api/errors.js';
import { RuleViolationError } from '../../client/programs.js';
import type { RuleCode } from '../../domain/rules.js';
import { ERROR_CODES, EXIT, exitCodeOf, isErrorCode, type ErrorCode } from '../../client/error-codes.js';

const root = new URL('../../', import.meta.url);

describe('the table of error codes', () => {
  it('gives the status of every error the API raises by code', () => {
    expect(errorBodyFor(unauthorized('token-expired', 'expired')).statusCode).toBe(401);
    expect(errorBodyFor(forbidden()).statusCode).toBe(ERROR_CODES.forbidden.status);
    expect(errorBodyFor(notFound('program')).statusCode).toBe(404);
    // The table wins over a status written where the error is raised.
    expect(errorBodyFor(new ApiError(400, 'version-mismatch', 'moved on')).statusCode).toBe(412);
    const rule = (code: RuleCode) => new RuleViolationError([{ code, field: 'x', message: 'broken' }]);
    expect(errorBodyFor(rule('program-closed')).statusCode).toBe(409);
    expect(errorBodyFor(rule('version-mismatch')).statusCode).toBe(412);
    expect(errorBodyFor(rule('exceeds-statutory-maximum')).statusCode).toBe(422);
  });

  it('gives the CLI an exit code for every answer: by code, else by status', () => {
    expect(exitCodeOf({ status: 401, code: 'missing-token' })).toBe(EXIT.unauthenticated);
    expect(exitCodeOf({ status: 403, code: 'forbidden' })).toBe(EXIT.forbidden);
    expect(exitCodeOf({ status: 422, code: 'not-full-time' })).toBe(EXIT.rule);
    expect(exitCodeOf({ status: 409, code: 'something-new' })).toBe(EXIT.rule);
    expect(exitCodeOf({ status: 418 })).toBe(EXIT.invalid);
    expect(exitCodeOf({ status: 502 })).toBe(EXIT.failure);
    expect(exitCodeOf({ status: 503 })).toBe(EXIT.retry);
  });

  it('agrees with every status written beside a listed code in api/', async () => {
    const dir = new URL('api/', root);
    const mismatches: string[] = [];
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts'))) {
      const source = await readFile(new URL(file, dir), 'utf8');
      for (const [, status, code] of source.matchAll(/new ApiError\((\d{3}), '([a-z-]+)'/g)) {
        if (code && isErrorCode(code) && ERROR_CODES[code].status !== Number(status)) mismatches.push(`api/${file}: ${code} ${status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('is the list docs/api.md gives, row for row', async () => {
    const docs = await readFile(new URL('docs/api.md', root), 'utf8');
    const documented = [...docs.matchAll(/^\| `([a-z-]+)` \| (\d{3}) \| (\d) \(/gm)].map(([, code, status, exit]) => [
      code,
      Number(status),
      Number(exit),
    ]);
    const table = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => [code, ERROR_CODES[code].status, ERROR_CODES[code].exit]);
    expect(documented).toEqual(table);
  });
});
