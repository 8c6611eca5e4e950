/**
 * The public API, called with the user's token. The answers' types (api-types.ts) are checked at
 * compile time against the server's response schemas, and the server serializes every answer
 * through those schemas, so the UI reads them without validating them again.
 */
import type { ErrorBody, Issue } from './api-types.js';
import { storedToken } from './session.js';

/** An answer other than 2xx, with the API's error body (or one made up for a network failure). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiProblem';
  }

  get code(): string {
    return this.body.code;
  }

  get issues(): Issue[] {
    return this.body.issues ?? [];
  }
}

let onUnauthorized: () => void = () => undefined;

/** What to do when the token is refused (expired, or signed for another server): sign in again. */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  /** A value sent as JSON. */
  json?: unknown;
  /** A body sent as is, with its media type (a CSV file). */
  raw?: { body: string; type: string };
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json', ...options.headers };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  } else if (options.raw) {
    body = options.raw.body;
    headers['content-type'] = options.raw.type;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      ...(body === undefined ? {} : { body }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem(0, { code: 'network-error', message: 'The server could not be reached. Check the connection and try again.' });
  }
  if (response.ok) return response;
  const problem = new ApiProblem(response.status, await errorBodyOf(response));
  if (response.status === 401 && token) onUnauthorized();
  throw problem;
}

export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  return (await response.json()) as T;
}

export const postJson = <T>(path: string, json: unknown, options: Omit<RequestOptions, 'json'> = {}): Promise<T> =>
  getJson<T>(path, { ...options, method: 'POST', json });

async function errorBodyOf(response: Response): Promise<ErrorBody> {
  try {
    const parsed: unknown = await response.json();
    if (isErrorEnvelope(parsed)) return parsed.error;
  } catch {
    // not JSON: a proxy's page, say
  }
  return { code: `http-${response.status}`, message: `The server answered ${response.status} ${response.statusText}.` };
}

function isErrorEnvelope(value: unknown): value is { error: ErrorBody } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** A query string of the filters that are set. */
export function queryString(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const programPath = (programId: string): string => `/programs/${encodeURIComponent(programId)}`;
