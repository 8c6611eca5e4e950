/**
 * One table for every error code: the HTTP status the API answers with, and the exit code the CLI
 * ends with. The API's error handling (api/errors.ts) reads the status from here; the CLI
 * (client/cli.ts) turns the API's answer into an exit code from here. It lives in client/ so that
 * both may import it (the CLI imports nothing from api/). Documented in docs/api.md, "Errors and exit codes".
 */

/** What a script may rely on when the CLI ends. */
export const EXIT = {
  ok: 0,
  /** Anything else: a failure of the server or of this program (5xx). */
  failure: 1,
  /** Bad usage or input: the message names the flag or field (400, 406, 413, 414, 415, 431). */
  invalid: 2,
  /** A program rule was broken, or the program's state does not allow it (422, 409, 412). */
  rule: 3,
  /** No such program, notice or endpoint visible to you (404). */
  notFound: 4,
  /** Not signed in, or the token was refused (401): sign in again. */
  unauthenticated: 5,
  /** Signed in, but your roles do not allow this (403). */
  forbidden: 6,
  /** A service is unavailable or the answer is unknown: the same command may be sent again (503, 429, 408). */
  retry: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ErrorCodeEntry {
  readonly status: number;
  readonly exit: ExitCode;
}

/**
 * Each code the API answers with. A program rule's own code (`exceeds-statutory-maximum`,
 * `not-full-time`, …) is not listed: it is a 422 ({@link RULE_VIOLATION}) unless named here.
 */
export const ERROR_CODES = {
  // The request itself
  'invalid-input': { status: 400, exit: EXIT.invalid },
  'invalid-cursor': { status: 400, exit: EXIT.invalid },
  'invalid-csv': { status: 400, exit: EXIT.invalid },
  'invalid-csv-header': { status: 400, exit: EXIT.invalid },
  'too-many-rows': { status: 400, exit: EXIT.invalid },
  'payload-not-decodable': { status: 400, exit: EXIT.invalid },
  'malformed-body': { status: 400, exit: EXIT.invalid },
  'bad-request': { status: 400, exit: EXIT.invalid },
  'not-acceptable': { status: 406, exit: EXIT.invalid },
  'payload-too-large': { status: 413, exit: EXIT.invalid },
  'uri-too-long': { status: 414, exit: EXIT.invalid },
  'unsupported-media-type': { status: 415, exit: EXIT.invalid },
  'headers-too-large': { status: 431, exit: EXIT.invalid },
  // Who is asking
  'missing-token': { status: 401, exit: EXIT.unauthenticated },
  'invalid-token': { status: 401, exit: EXIT.unauthenticated },
  'token-expired': { status: 401, exit: EXIT.unauthenticated },
  forbidden: { status: 403, exit: EXIT.forbidden },
  'not-found': { status: 404, exit: EXIT.notFound },
  // The program's state
  conflict: { status: 409, exit: EXIT.rule },
  'idempotency-key-reused': { status: 409, exit: EXIT.rule },
  'program-closed': { status: 409, exit: EXIT.rule },
  'trainee-already-enrolled': { status: 409, exit: EXIT.rule },
  'version-mismatch': { status: 412, exit: EXIT.rule },
  // Try again
  'request-timeout': { status: 408, exit: EXIT.retry },
  'too-many-requests': { status: 429, exit: EXIT.retry },
  'outcome-unknown': { status: 503, exit: EXIT.retry },
  'service-unavailable': { status: 503, exit: EXIT.retry },
  'identity-provider-unavailable': { status: 503, exit: EXIT.retry },
  // Ours
  'internal-error': { status: 500, exit: EXIT.failure },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A program rule broken (any code the table does not name). */
export const RULE_VIOLATION: ErrorCodeEntry = { status: 422, exit: EXIT.rule };

/** Codes only the CLI uses, before or without an answer from the API. */
export const CLI_ERROR_CODES = {
  usage: { status: 0, exit: EXIT.invalid },
  'not-signed-in': { status: 401, exit: EXIT.unauthenticated },
  'api-unreachable': { status: 0, exit: EXIT.retry },
  failure: { status: 0, exit: EXIT.failure },
} as const satisfies Record<string, ErrorCodeEntry>;

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);

/** The status the API answers a code with. */
export const statusOf = (code: ErrorCode): number => ERROR_CODES[code].status;

/** The status of a rule violation's code: 409/412 for the state codes the table names, else 422. */
export const ruleStatusOf = (code: string): number => (isErrorCode(code) ? ERROR_CODES[code].status : RULE_VIOLATION.status);

/** The exit code for an error answer of the API: by its code, else by its status. */
export function exitCodeOf(answer: { status: number; code?: string | undefined }): ExitCode {
  if (answer.code !== undefined && isErrorCode(answer.code)) return ERROR_CODES[answer.code].exit;
  const { status } = answer;
  if (status === 422) return EXIT.rule; // a rule's own code
  const byStatus = Object.values(ERROR_CODES).find((entry) => entry.status === status);
  if (byStatus) return byStatus.exit;
  if (status >= 400 && status < 500) return EXIT.invalid;
  return EXIT.failure;
}
