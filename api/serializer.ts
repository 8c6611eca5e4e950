/**
 * The response serializer: every answer is checked against its route's zod schema and written as
 * that schema says (its keys, in its order, nothing else), as fastify-type-provider-zod's
 * serializer does, but without building the checked copy first. The plain parts of a schema
 * (objects, arrays, strings and their formats, numbers, booleans, enums, literals, nullable and
 * optional) are compiled once per route into one pass that checks each value and writes its JSON;
 * anything else (unions, records, transforms, …) is handed to zod for that part alone. When a
 * value does not fit, the whole answer goes through zod's own serializer, which raises the same
 * error it always did: a response that drifts from its schema fails in tests and in production
 * exactly as before, and one that fits is written byte for byte as zod's copy would be.
 */
import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { $ZodType } from 'zod/v4/core';

/** What a compiled part answers when a value does not fit it: zod decides what that means. */
const MISFIT = Symbol('misfit');
/** A key whose value serializes to nothing (an absent optional): left out, as JSON.stringify leaves out undefined. */
const OMIT = Symbol('omit');
type Emitted = string | typeof MISFIT | typeof OMIT;
type Emit = (value: unknown) => Emitted;

/** Serializes with the fast path; any misfit goes to zod's serializer (its answer or its error). */
export const serializerCompiler: FastifySerializerCompiler<unknown> = (route) => {
  const viaZod = zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]) as (data: unknown) => string;
  const schema: unknown = route.schema;
  if (!(schema instanceof $ZodType)) return viaZod;
  const emit = compile(schema as z.ZodType);
  return (data: unknown) => {
    const json = emit(data);
    return typeof json === 'string' ? json : viaZod(data);
  };
};

/** The schema's parts as the fast path sees them (zod's own definition objects). */
interface Def {
  type: string;
  checks?: { _zod: { def: { check: string; format?: string; minimum?: number; maximum?: number; length?: number } } }[];
  coerce?: boolean;
  format?: string;
  check?: string;
  pattern?: RegExp;
  entries?: Record<string, unknown>;
  values?: unknown[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Formats whose whole check is their pattern (zod's date, time and datetime). */
const PATTERN_FORMATS = new Set(['date', 'time', 'datetime']);

/** A part zod checks and writes itself: its encoded value, as JSON. */
function viaZod(schema: z.ZodType): Emit {
  return (value) => {
    const result = z.safeEncode(schema, value);
    if (!result.success) return MISFIT;
    const json = JSON.stringify(result.data) as string | undefined;
    return json === undefined ? OMIT : json;
  };
}

/** Characters JSON.stringify writes escaped (and lone surrogates, which it writes as \\u escapes). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A string as JSON: most need no escape, and JSON.stringify is asked only for those that do. */
const quoted = (value: string): string => (NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`);

const ALWAYS = (): boolean => true;

/** The checks of a string or number this file knows how to make; null when there is one it does not. */
function lengthChecks(def: Def): ((value: string) => boolean) | null {
  const tests: ((value: string) => boolean)[] = [];
  if ((def.checks ?? []).length === 0) return ALWAYS;
  for (const check of def.checks ?? []) {
    const { check: kind, minimum, maximum, length } = check._zod.def;
    if (kind === 'min_length' && minimum !== undefined) tests.push((v) => v.length >= minimum);
    else if (kind === 'max_length' && maximum !== undefined) tests.push((v) => v.length <= maximum);
    else if (kind === 'length_equals' && length !== undefined) tests.push((v) => v.length === length);
    else return null;
  }
  return (value) => tests.every((test) => test(value));
}

/** Types whose only checks this file makes itself; any check (a refinement) on another type is zod's. */
const CHECKED_HERE = new Set(['string', 'number', 'array', 'object']);

function compile(schema: z.ZodType): Emit {
  const def = defOf(schema);
  if (!CHECKED_HERE.has(def.type) && (def.checks ?? []).length > 0) return viaZod(schema);
  switch (def.type) {
    case 'string': {
      if (def.coerce) return viaZod(schema);
      const lengths = lengthChecks(def);
      if (!lengths) return viaZod(schema);
      const { format, pattern } = def;
      if (format !== undefined && !(PATTERN_FORMATS.has(format) && pattern)) return viaZod(schema);
      if (pattern) {
        return (value) => {
          if (typeof value !== 'string' || !lengths(value)) return MISFIT;
          pattern.lastIndex = 0;
          return pattern.test(value) ? quoted(value) : MISFIT;
        };
      }
      return (value) => (typeof value === 'string' && lengths(value) ? quoted(value) : MISFIT);
    }
    case 'number': {
      // z.int() is a number of format safeint; z.number().int() a number with that check.
      const formats = [...(def.format === undefined ? [] : [def.format]), ...(def.checks ?? []).map((c) => c._zod.def.format)];
      if (def.coerce || !formats.every((f) => f === 'safeint') || (def.checks ?? []).some((c) => c._zod.def.check !== 'number_format'))
        return viaZod(schema);
      const integer = formats.length > 0;
      return (value) =>
        typeof value === 'number' && (integer ? Number.isSafeInteger(value) : Number.isFinite(value)) ? JSON.stringify(value) : MISFIT;
    }
    case 'boolean':
      if (def.coerce) return viaZod(schema);
      return (value) => (value === true ? 'true' : value === false ? 'false' : MISFIT);
    case 'null':
      return (value) => (value === null ? 'null' : MISFIT);
    case 'enum': {
      // An enum of strings names each value by itself; any other (a TypeScript enum) is zod's.
      const entries = Object.entries(def.entries ?? {});
      if (!entries.every(([key, v]) => key === v)) return viaZod(schema);
      const values = entries.map(([, v]) => v);
      const allowed = new Map(values.map((v) => [v, JSON.stringify(v)]));
      return (value) => allowed.get(value as string) ?? MISFIT;
    }
    case 'literal': {
      const values = def.values ?? [];
      if (
        !values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || v === null)
      )
        return viaZod(schema);
      const allowed = new Map(values.map((v) => [v, JSON.stringify(v)]));
      return (value) => allowed.get(value) ?? MISFIT;
    }
    case 'nullable': {
      const inner = compile(def.innerType as z.ZodType);
      return (value) => (value === null ? 'null' : inner(value));
    }
    case 'optional': {
      const inner = compile(def.innerType as z.ZodType);
      return (value) => (value === undefined ? OMIT : inner(value));
    }
    case 'array': {
      if ((def.checks ?? []).length > 0) return viaZod(schema);
      const element = compile(def.element as z.ZodType);
      return (value) => {
        if (!Array.isArray(value)) return MISFIT;
        let json = '[';
        for (let i = 0; i < value.length; i++) {
          const item = element(value[i]);
          if (item === MISFIT) return MISFIT;
          // JSON.stringify writes an item that serializes to nothing as null.
          json += (i === 0 ? '' : ',') + (item === OMIT ? 'null' : item);
        }
        return `${json}]`;
      };
    }
    case 'object': {
      // A strict or passthrough object decides about keys its shape does not name: zod's to judge.
      if (def.catchall !== undefined || (def.checks ?? []).length > 0) return viaZod(schema);
      const fields = Object.entries(def.shape ?? {}).map(([key, field]) => ({
        key,
        label: `${JSON.stringify(key)}:`,
        emit: compile(field),
        // A key that may be missing: zod's own notion (optional, or a type that takes undefined).
        mayBeAbsent: (field as unknown as { _zod: { optin?: string } })._zod.optin === 'optional',
      }));
      const count = fields.length;
      return (value) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return MISFIT;
        const record = value as Record<string, unknown>;
        let json = '';
        for (let i = 0; i < count; i++) {
          const field = fields[i] as (typeof fields)[number];
          const item = record[field.key];
          if (item === undefined && !field.mayBeAbsent) return MISFIT;
          const emitted = field.emit(item);
          if (emitted === MISFIT) return MISFIT;
          if (emitted !== OMIT) json += (json === '' ? '' : ',') + field.label + emitted;
        }
        return `{${json}}`;
      };
    }
    default:
      return viaZod(schema);
  }
}
