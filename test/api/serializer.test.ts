/**
 * The response serializer (api/serializer.ts) writes exactly what fastify-type-provider-zod's
 * serializer wrote, and refuses exactly what it refused: for the read routes' schemas and for a
 * schema with every kind of part, on values that fit, values with extra or reordered keys, and
 * values that drift from the schema in any one place.
 */
import fc from 'fast-check';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dashboardResponse, inboxResponse } from '../../api/dashboard.js';
import { programPageResponse, programResponse, errorResponse } from '../../api/schemas.js';
import { serializerCompiler } from '../../api/serializer.js';

type Serialize = (data: unknown) => string;
const route = (schema: z.ZodType) => ({ schema, method: 'GET', url: '/test', httpStatus: '200' });
const serializers = (schema: z.ZodType): { fast: Serialize; zod: Serialize } => ({
  fast: serializerCompiler(route(schema)),
  zod: zodSerializerCompiler(route(schema) as Parameters<typeof zodSerializerCompiler>[0]) as Serialize,
});

/** What a serializer made of a value: its JSON, or the name of the error it raised. */
function outcome(serialize: Serialize, value: unknown): { json: string } | { error: string } {
  try {
    return { json: serialize(value) };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

const someDay = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true });

/** A value that fits the schema: every part this test's schemas use. */
function fitting(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case 'string':
      if (def.format === 'date') return someDay.map((d) => d.toISOString().slice(0, 10));
      if (def.format === 'datetime') return someDay.map((d) => d.toISOString());
      if (def.format === 'url') return fc.webUrl();
      if (def.checks) return fc.stringMatching(/^[a-z]{1,5}$/);
      return fc.string({ unit: 'binary', maxLength: 12 });
    case 'number':
      if (def.format === 'safeint' || (def.checks as unknown[] | undefined)?.length) return fc.integer({ min: 1 });
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      // The one refined boolean here (everyKind.refined) holds only when true.
      return def.checks ? fc.constant(true) : fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'nullable':
      return fc.option(fitting(def.innerType as z.ZodType), { nil: null });
    case 'optional':
      return fc.option(fitting(def.innerType as z.ZodType), { nil: undefined });
    case 'array':
      return fc.array(fitting(def.element as z.ZodType), { maxLength: def.checks ? 2 : 3 });
    case 'default':
      return fitting(def.innerType as z.ZodType);
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const optional = (field: z.ZodType): boolean => (field as unknown as { _zod: { optin?: string } })._zod.optin === 'optional';
      // An optional key may be absent, or present as undefined: zod and the serializer both leave it out.
      return fc.record(Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, fitting(field)])), {
        requiredKeys: Object.entries(shape)
          .filter(([, field]) => !optional(field))
          .map(([key]) => key),
      });
    }
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map(fitting));
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue(), { maxKeys: 3 });
    case 'unknown':
      return fc.jsonValue();
    default:
      return fc.jsonValue();
  }
}

/** Keys in another order, keys the schema does not name, and (sometimes) one value anywhere replaced by something else. */
const drift = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant('2026-02-30'),
  fc.constant(''),
  fc.constant(1.5),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant(2 ** 60),
  fc.constant('x"\\\n\u2028\ud800'),
  fc.constant([]),
  fc.constant({}),
  fc.constant(true),
  fc.constant(new Date(0)),
);

function mutate(value: unknown, path: number[], replacement: unknown, extraKey: string, depth = 0): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0 || path.length === depth) return depth === path.length ? replacement : value;
    const at = (path[depth] ?? 0) % value.length;
    return value.map((item, i) => (i === at ? mutate(item, path, replacement, extraKey, depth + 1) : item));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).reverse(); // another key order
    entries.push([extraKey, 'not in the schema']);
    if (path.length === depth || entries.length === 0) return Object.fromEntries(entries);
    const at = (path[depth] ?? 0) % entries.length;
    return Object.fromEntries(entries.map(([k, v], i) => [k, i === at ? mutate(v, path, replacement, extraKey, depth + 1) : v]));
  }
  return depth === path.length ? replacement : value;
}

const everyKind = z.object({
  text: z.string(),
  bounded: z.string().min(1).max(5),
  pattern: z.string().regex(/^[a-z]+$/),
  day: z.iso.date(),
  at: z.iso.datetime(),
  link: z.url(),
  count: z.number().int(),
  count2: z.int(),
  ratio: z.number(),
  positive: z.number().positive(),
  flag: z.boolean(),
  refined: z.boolean().refine((b) => b),
  kind: z.enum(['a', 'b']),
  one: z.literal('only'),
  maybe: z.iso.date().nullable(),
  perhaps: z.string().optional(),
  either: z.union([z.string(), z.number()]),
  bag: z.record(z.string(), z.unknown()),
  strict: z.strictObject({ a: z.string() }),
  loose: z.looseObject({ a: z.string() }),
  list: z.array(z.object({ id: z.string(), n: z.number().nullable() })),
  short: z.array(z.string()).max(2),
  withDefault: z.string().default('d'),
  nested: z.object({ deeper: z.object({ leaf: z.enum(['x']).nullable().optional() }) }),
});

describe('the response serializer', () => {
  const schemas: [string, z.ZodType][] = [
    ['a schema with every kind of part', everyKind],
    ['Program', programResponse],
    ['ProgramPage', programPageResponse],
    ['Dashboard', dashboardResponse],
    ['Inbox', inboxResponse],
    ['Error', errorResponse],
  ];

  for (const [name, schema] of schemas) {
    it(`writes what zod's serializer wrote, and refuses what it refused: ${name}`, () => {
      const { fast, zod } = serializers(schema);
      fc.assert(
        fc.property(
          fitting(schema),
          fc.array(fc.nat(), { maxLength: 6 }),
          drift,
          fc.constantFrom('extra', 'status', 'items', 'a'),
          fc.boolean(),
          (value, path, replacement, extraKey, drifts) => {
            const sent = drifts ? mutate(value, path, replacement, extraKey) : value;
            const written = outcome(fast, sent);
            expect(written).toEqual(outcome(zod, sent));
            // Every value made to fit does (the property is not about refusals alone).
            if (!drifts) expect(written).toHaveProperty('json');
          },
        ),
        { numRuns: schema === everyKind ? 2000 : 300 },
      );
    });
  }

  it('refuses what does not fit in the places a drift rarely lands, as zod did', () => {
    const { fast, zod } = serializers(everyKind);
    const value = fc.sample(fitting(everyKind), { seed: 7, numRuns: 1 })[0] as Record<string, unknown>;
    expect(outcome(fast, value)).toHaveProperty('json');
    for (const drifted of [
      { ...value, short: ['a', 'b', 'c'] },
      { ...value, strict: { a: 'a', b: 'b' } },
      { ...value, nested: null },
      { ...value, nested: { deeper: null } },
      { ...value, list: null },
      { ...value, list: [null] },
      { ...value, link: 'not a url' },
      { ...value, withDefault: undefined },
      { ...value, perhaps: null },
    ])
      expect(outcome(fast, drifted)).toEqual(outcome(zod, drifted));
  });

  it('refuses a program whose status the contract does not know, as zod did (a 500, not a body)', () => {
    const { fast } = serializers(programResponse);
    const program = fc.sample(fitting(programResponse), 1)[0] as Record<string, unknown>;
    expect(outcome(fast, program)).toHaveProperty('json');
    expect(outcome(fast, { ...program, status: 'paused' })).toEqual(
      outcome(zodSerializerCompiler(route(programResponse) as Parameters<typeof zodSerializerCompiler>[0]) as Serialize, {
        status: 'paused',
      }),
    );
  });
});
