/**
 * The OpenAPI document: fastify's swagger plugin over the routes' zod schemas, the document's
 * front matter, and the finishing touches the generator cannot make (api/server.ts registers it
 * before any route, so every route is in it).
 */
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CSV_FORMAT_DESCRIPTION } from './import.js';
import { MAX_IMPORT_ROWS, errorResponse } from './schemas.js';

/** The error responses a route documents, each the contract's error body. */
export const errorStatuses = (
  ...codes: (400 | 401 | 403 | 404 | 406 | 409 | 412 | 413 | 415 | 422)[]
): Record<number, typeof errorResponse> => Object.fromEntries(codes.map((code) => [code, errorResponse]));

export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Leadership Associate development programs',
        version: '1.0.0',
        description: [
          'Enrollment, milestones, schedule amendments, service ratings, leave and withdrawal of State of Connecticut',
          'Leadership Associate development programs, and the notices they produce. Dates are `YYYY-MM-DD` civil dates',
          'in America/New_York.',
          '',
          'Every error is `{"error": {"code", "message", "issues": [{"path", "message"}]}}`: 400 for input that does not fit',
          'the schema (unknown fields included), 401 without a valid token, 403 when the roles do not allow the action,',
          '404 for a program that does not exist or is not visible to the caller, 409 for a conflicting state (a closed',
          'program, an id already taken), 422 for a program rule, with `code` naming the rule.',
        ].join('\n'),
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'An access token of the configured OpenID Connect issuer (RS256 or ES256; `iss`, `aud`, `exp`, `nbf` checked; roles from a mapped ' +
              'group claim), or for service accounts an HS256 token signed with AUTH_JWT_SECRET with claims `sub`, `roles` (hr, supervisor, ' +
              'program-manager, das, trainee, auditor), `exp`. At most 12 hours of lifetime.',
          },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'programs', description: 'Development programs and the commands on them' },
        { name: 'notices', description: 'Notices the programs issue' },
        { name: 'reference', description: 'Catalogue and service' },
      ],
    },
    transform: createJsonSchemaTransform({}),
    transformObject: (documentObject) => finishDocument(createJsonSchemaTransformObject({})(documentObject)),
  });
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/v1/openapi.json', { schema: { hide: true }, config: { access: { kind: 'public' } } }, () => app.swagger());
}

const RESPONSE_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  400: 'The input does not fit the schema (unknown fields included); `issues` name the fields',
  401: 'No valid bearer token',
  403: 'The roles in the token do not allow this action on this resource',
  404: 'No such resource, or not visible to the caller',
  406: 'None of the media types in Accept can be served',
  409: 'A conflicting state: a closed program, an id already taken, an Idempotency-Key already used with another body (`idempotency-key-reused`)',
  412: 'If-Match names a version the program has moved on from (`version-mismatch`); nothing changed',
  413: 'The body is larger than the endpoint accepts',
  415: 'The Content-Type is not accepted here',
  422: 'A program rule is broken; `code` names the rule',
  429: 'Too many writes, or too many refused tokens, from this address in a minute; try again later',
  503: 'A service the API depends on is not answering',
};

const openApiPaths = z.record(
  z.string(),
  z.record(
    z.string(),
    z.looseObject({ responses: z.record(z.string(), z.looseObject({ description: z.string().optional() })).optional() }),
  ),
);

/**
 * Touches the generated document up: the import's body (two media types that fastify cannot
 * validate with one schema, so the handler reads the rows itself), response descriptions, and no
 * component that nothing refers to (the type provider emits a request-side copy of every schema).
 */
function finishDocument<D extends { paths?: unknown; components?: { schemas?: Record<string, unknown> } }>(document: D): D {
  const parsed = openApiPaths.safeParse(document.paths);
  if (!parsed.success) return document;
  const paths = parsed.data;
  for (const operation of Object.values(paths).flatMap((item) => Object.values(item))) {
    // Any request may meet a rate limit (api/hardening.ts): writes, and callers whose tokens keep failing.
    if (operation.responses && !operation.responses['429']) {
      operation.responses['429'] = {
        description: RESPONSE_DESCRIPTIONS[429],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      if (response.description === 'Default Response') response.description = RESPONSE_DESCRIPTIONS[status] ?? 'Response';
    }
  }
  const importOperation = paths['/v1/programs/import']?.post;
  if (importOperation) {
    importOperation.requestBody = {
      required: true,
      content: {
        'application/json': {
          schema: { type: 'array', minItems: 1, maxItems: MAX_IMPORT_ROWS, items: { $ref: '#/components/schemas/EnrollmentInput' } },
        },
        'text/csv': { schema: { type: 'string', description: CSV_FORMAT_DESCRIPTION } },
      },
    };
  }
  const schemas = document.components?.schemas ?? {};
  const used = new Set<string>();
  const pending = [JSON.stringify(paths)];
  for (let text = pending.pop(); text !== undefined; text = pending.pop()) {
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !used.has(name)) {
        used.add(name);
        pending.push(JSON.stringify(schemas[name] ?? null));
      }
    }
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, paths, components: { ...document.components, schemas: kept } };
}
