import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request, { Response } from 'supertest';
import { Api, expectStatus, Method as ApiMethod, TestPlayer } from '../support/api';
import { FullSnapshot, snapshot, rowsOf, snapshotDiff } from '../support/db-snapshot';
import { describeApi, TestApp, useTestApp } from '../support/test-app';

/*
 * Property-based fuzzing driven by the OpenAPI document the service serves (GET /docs-json): every
 * operation it lists, on both surfaces, gets random path ids (existing, missing, garbage), random query
 * parameters per their declared schemas, and random JSON bodies derived from the request body schema
 * (valid values, boundaries, wrong types, nulls, huge strings, extra and prototype keys, broken JSON).
 *
 * Properties, for every request:
 *   1. never a 5xx;
 *   2. an error body is exactly {statusCode, error, code, message, msg, status: false}, statusCode equal to the HTTP status;
 *   3. a 4xx wrote nothing: players, sessions, parties, memberships and party bans are unchanged.
 *
 * The seed is fixed; FUZZ_RUNS (runs per operation group, default 150) and FUZZ_SEED override.
 * Every violation is collected, so one run reports all of them, each with the exact request.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20251122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const INT32_MAX = 2_147_483_647;

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  nullable?: boolean;
  format?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      { operationId?: string; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: Record<string, string[]>[] }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

type Method = ApiMethod | 'patch';
type Auth = 'session' | 'server-key' | 'none';

interface Operation {
  key: string;
  method: Method;
  template: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body: Schema | null;
  auth: Auth;
}

function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      const parameters = op.parameters ?? [];
      const schemes = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
      operations.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method as Method,
        template,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        auth: schemes.includes('server-key') ? 'server-key' : schemes.includes('session') ? 'session' : 'none',
      });
    }
  }
  return operations;
}

/** Operation groups, each fuzzed with its own budget of runs; the last one takes whatever the others did not. */
const PARTY_PREFIX = /^\/(api\/table\/services\/parties|server\/services\/party)/;
const GROUPS: { name: string; matches: (op: Operation) => boolean }[] = [
  { name: 'party create', matches: (op) => PARTY_PREFIX.test(op.template) && op.method === 'post' && op.template.replace(PARTY_PREFIX, '') === '' },
  { name: 'party reads', matches: (op) => PARTY_PREFIX.test(op.template) && op.method === 'get' },
  { name: 'join, leave, edit', matches: (op) => PARTY_PREFIX.test(op.template) && op.template.replace(PARTY_PREFIX, '') === '/{partyId}' },
  { name: 'accept, reject', matches: (op) => PARTY_PREFIX.test(op.template) && /\/waiting\/\{membershipId\}$/.test(op.template) },
  { name: 'member data, roles, kick', matches: (op) => PARTY_PREFIX.test(op.template) && /\/members\//.test(op.template) },
  { name: 'bans, disband', matches: (op) => PARTY_PREFIX.test(op.template) && /\/(bans\/\{playerId\}|disband)$/.test(op.template) },
  { name: 'players, sessions, sign-in and the rest', matches: () => true },
];

const groupOf = (op: Operation) => GROUPS.find((group) => group.matches(op))!.name;

function resolveRef(doc: OpenApiDocument, schema: Schema): Schema {
  let resolved = schema;
  for (let depth = 0; resolved.$ref && depth < 10; depth++) {
    const name = resolved.$ref.replace('#/components/schemas/', '');
    resolved = doc.components?.schemas?.[name] ?? {};
  }
  if (resolved.allOf) {
    return resolved.allOf.reduce<Schema>((merged, part) => {
      const p = resolveRef(doc, part);
      return { ...merged, ...p, properties: { ...merged.properties, ...p.properties }, required: [...(merged.required ?? []), ...(p.required ?? [])] };
    }, {});
  }
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// Generated values. Ids that must exist are placeholders resolved against the database at run time.

type Who = 'owner' | 'admin' | 'member' | 'waiter' | 'banned-here' | { pool: number };
class Ref {
  constructor(
    readonly kind: 'player' | 'party',
    readonly who: Who | null,
    readonly pick: number,
  ) {}
}
/** The generated value is sent as this raw text, not as JSON of it. */
class RawText {
  constructor(readonly text: string) {}
}
/** An object with keys that an object literal cannot hold as own properties (`__proto__`). */
const withKeys = (base: unknown, extras: [string, unknown][]): unknown => {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || base instanceof Ref) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of extras) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
};

const whoArb: fc.Arbitrary<Who> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Who>('owner') },
  { weight: 2, arbitrary: fc.constant<Who>('admin') },
  { weight: 2, arbitrary: fc.constant<Who>('member') },
  { weight: 2, arbitrary: fc.constant<Who>('waiter') },
  { weight: 1, arbitrary: fc.constant<Who>('banned-here') },
  { weight: 2, arbitrary: fc.nat().map((pool): Who => ({ pool })) },
);

const INTERESTING_STRINGS = [
  'red',
  'blue',
  'general',
  'chat',
  'Test',
  'mode',
  '',
  ' ',
  '   padded   ',
  '%',
  '_',
  '\\',
  '%_\\',
  "'; DROP TABLE party; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '\u0000',
  'a\u0000b',
  '😀',
  '👨‍👩‍👧‍👦',
  '\ud800',
  'a\udfff',
  'é',
  '\u202e',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  'NaN',
  '[]',
  '{}',
  '["red"]',
  '["red","red"]',
  '[1]',
  'constructor',
  'toString',
  '__proto__',
  'me',
];

const jsonLeaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: INT32_MAX }),
  fc.double({ noNaN: true }),
  fc.constantFrom(...INTERESTING_STRINGS),
  fc.string({ maxLength: 12 }),
);
const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const EXTRA_KEYS = [
  'owner',
  'id',
  'member_count',
  'created_at',
  'role',
  'status',
  'party',
  'player',
  'is_ban',
  'extra',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
];

function wrongType(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.constantFrom(1.5, -1, 0, 1e300, INT32_MAX + 1),
    fc.constantFrom('', 'x', '1', 'true', '[]'),
    fc.constant([]),
    fc.constant({}),
    fc.constant({ nested: { owner: 1 } }),
    fc.constant([{ a: 1 }]),
  );
}

function stringArb(schema: Schema, name: string): fc.Arbitrary<unknown> {
  const max = schema.maxLength ?? (name === 'data' ? 65_536 : undefined);
  const min = schema.minLength ?? 0;
  const lengths = [min, Math.max(0, min - 1), ...(max !== undefined ? [max, max + 1] : [])];
  const arbs: fc.WeightedArbitrary<unknown>[] = [
    { weight: 6, arbitrary: fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max ?? 24, 24)) }) },
    { weight: 3, arbitrary: fc.constantFrom(...INTERESTING_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
    { weight: 1, arbitrary: fc.constantFrom(...lengths).map((n) => 'a'.repeat(n)) },
    { weight: 1, arbitrary: fc.constantFrom(...lengths).map((n) => `${' '.repeat(2)}${'b'.repeat(Math.max(0, n - 4))}${' '.repeat(2)}`) },
  ];
  if (name === 'data') {
    // 64 KiB counted in UTF-8 bytes: two-byte characters right at and past the limit.
    arbs.push({ weight: 1, arbitrary: fc.constantFrom(32_768, 32_769).map((n) => 'é'.repeat(n)) });
  }
  if (schema.pattern?.endsWith('+$')) {
    arbs.push({ weight: 4, arbitrary: fc.stringMatching(new RegExp(`${schema.pattern.slice(0, -2)}{1,20}$`)) });
  }
  // Rare: big enough to pass every field limit, or the 256 KiB body limit.
  arbs.push({ weight: 1, arbitrary: fc.constantFrom(70_000, 300_000).map((n) => 'x'.repeat(n)) });
  return fc.oneof(...arbs);
}

function integerArb(schema: Schema, name: string): fc.Arbitrary<unknown> {
  const min = schema.minimum ?? (schema.format === 'int32' ? -INT32_MAX - 1 : -10);
  const max = schema.maximum ?? (schema.format === 'int32' ? INT32_MAX : 2000);
  const arbs: fc.WeightedArbitrary<unknown>[] = [
    { weight: 5, arbitrary: fc.integer({ min: Math.max(min, -1000), max: Math.min(max, Math.max(min, -1000) + 2000) }) },
    { weight: 3, arbitrary: fc.constantFrom(min - 1, min, max, max + 1, 0, -1, 1, 10, 1000, 1001, INT32_MAX, INT32_MAX + 1, 2 ** 53) },
    { weight: 1, arbitrary: fc.constantFrom(1.5, -0.5, 1e300, '5', '1e2', '0x10') },
  ];
  if (name === 'owner' || name === 'id') {
    arbs.push({
      weight: 5,
      arbitrary: fc.tuple(whoArb, fc.nat()).map(([who, pick]) => new Ref(name === 'id' ? 'party' : 'player', name === 'id' ? null : who, pick)),
    });
  }
  return fc.oneof(...arbs);
}

/** Values that keep the schema (and the SPEC's limits), to reach the code behind validation. */
function validArb(doc: OpenApiDocument, raw: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
  const schema = resolveRef(doc, raw);
  const alternatives = schema.oneOf ?? schema.anyOf;
  let good: fc.Arbitrary<unknown>;
  if (alternatives) good = fc.oneof(...alternatives.map((s) => validArb(doc, s, name, depth)));
  else if (schema.enum) good = fc.constantFrom(...schema.enum);
  else if (schema.type === 'object' || schema.properties) {
    if (schema.properties) {
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(schema.properties);
      good = fc
        .tuple(
          fc.record(Object.fromEntries(entries.filter(([k]) => !required.has(k)).map(([k, s]) => [k, validArb(doc, s, k, depth + 1)])), { requiredKeys: [] }),
          fc.record(Object.fromEntries(entries.filter(([k]) => required.has(k)).map(([k, s]) => [k, validArb(doc, s, k, depth + 1)]))),
        )
        .map(([optional, mandatory]) => ({ ...optional, ...mandatory }));
    } else {
      good = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,9}$/), fc.string({ maxLength: 16 }), { maxKeys: 4 });
    }
  } else if (schema.type === 'array') good = fc.uniqueArray(fc.constantFrom('red', 'blue', 'general', 'chat'), { maxLength: 4 });
  else if (schema.type === 'string') {
    if (name === 'teams' || name === 'channels') {
      good = fc.uniqueArray(fc.constantFrom('red', 'blue', 'general', 'chat'), { maxLength: 4 }).map((a) => JSON.stringify(a));
    } else if (schema.pattern?.endsWith('+$')) good = fc.stringMatching(new RegExp(`${schema.pattern.slice(0, -2)}{1,20}$`));
    else {
      const min = schema.minLength ?? 0;
      const max = Math.max(min, Math.min(schema.maxLength ?? 24, 24));
      good = fc.oneof(
        fc.constantFrom('red', 'blue', 'general', 'chat', 'Test party', 'mode'),
        fc.string({ minLength: min, maxLength: max }).filter((text) => text.trim().length >= min),
      );
    }
  } else if (schema.type === 'integer' || schema.type === 'number') {
    const min = schema.minimum ?? 0;
    const max = Math.min(schema.maximum ?? min + 100, min + 100);
    good =
      name === 'owner'
        ? fc.tuple(whoArb, fc.nat()).map(([who, pick]) => new Ref('player', who, pick))
        : name === 'id'
          ? fc.nat().map((pick) => new Ref('party', null, pick))
          : fc.integer({ min, max });
  } else if (schema.type === 'boolean') good = fc.boolean();
  else good = fc.string({ maxLength: 8 });
  return schema.nullable ? fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: fc.constant(null) }) : good;
}

/** Anything the schema suggests: valid values, boundaries, wrong types, nulls, huge strings, extra keys. */
function valueArb(doc: OpenApiDocument, raw: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
  const schema = resolveRef(doc, raw);
  let good: fc.Arbitrary<unknown>;
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    good = fc.oneof(...alternatives.map((s) => valueArb(doc, s, name, depth)));
  } else if (schema.enum) {
    good = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 2, arbitrary: fc.constantFrom(0, 1, 4, '2', 2.5, -1, 'admin') });
  } else if (schema.type === 'object' || schema.properties) {
    good = schema.properties ? objectArb(doc, schema, depth) : mapArb(doc, schema, depth);
  } else if (schema.type === 'array') {
    const item = schema.items ? valueArb(doc, schema.items, name, depth + 1) : jsonLeaf;
    const names = fc.constantFrom('red', 'blue', 'general', 'chat', 'x');
    good = fc.oneof(
      { weight: 5, arbitrary: fc.array(fc.oneof(names, item), { maxLength: 5 }) },
      { weight: 1, arbitrary: fc.constantFrom(50, 51).map((n) => Array.from({ length: n }, (_, i) => `n${i}`)) },
      { weight: 1, arbitrary: fc.constantFrom(['red', 'red'], ['a'.repeat(64)], ['a'.repeat(65)], [''], [null], [['red']]) },
    );
  } else if (schema.type === 'string') {
    good =
      name === 'teams' || name === 'channels'
        ? fc.oneof(
            fc.array(fc.constantFrom('red', 'blue', 'general', 'chat', ''), { maxLength: 4 }).map((a) => JSON.stringify(a)),
            stringArb(schema, name),
          )
        : stringArb(schema, name);
  } else if (schema.type === 'integer' || schema.type === 'number') {
    good = integerArb(schema, name);
  } else if (schema.type === 'boolean') {
    good = fc.oneof({ weight: 6, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom('true', 'false', 0, 1, 'yes') });
  } else {
    good = anyJson;
  }
  return fc.oneof(
    { weight: 12, arbitrary: validArb(doc, schema, name, depth) },
    { weight: 9, arbitrary: good },
    { weight: 2, arbitrary: schema.nullable ? fc.constant(null) : wrongType() },
  );
}

function mapArb(doc: OpenApiDocument, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const valueSchema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
  const key = fc.oneof(
    { weight: 5, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
    { weight: 1, arbitrary: fc.constantFrom('toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'k'.repeat(64), 'k'.repeat(65), '') },
  );
  const value = fc.oneof({ weight: 5, arbitrary: fc.string({ maxLength: 16 }) }, { weight: 1, arbitrary: valueArb(doc, valueSchema, 'value', depth + 1) });
  return fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(key, value, { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(50, 51).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))) },
    { weight: 1, arbitrary: fc.constantFrom(1024, 1025).map((n) => ({ big: 'v'.repeat(n) })) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => withKeys({ a: 'b' }, [[k, 'x']])) },
  );
}

function objectArb(doc: OpenApiDocument, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {});
  const optional = Object.fromEntries(entries.filter(([k]) => !required.has(k)).map(([k, s]) => [k, valueArb(doc, s, k, depth + 1)]));
  const mandatory = Object.fromEntries(entries.filter(([k]) => required.has(k)).map(([k, s]) => [k, valueArb(doc, s, k, depth + 1)]));
  const extras = fc.array(fc.tuple(fc.constantFrom(...EXTRA_KEYS), anyJson), { minLength: 1, maxLength: 2 });
  return fc
    .tuple(
      fc.record(optional, { requiredKeys: [] }),
      fc.record(mandatory),
      fc.option(fc.constantFrom(...(required.size ? [...required] : ['-'])), { freq: 12, nil: undefined }),
      fc.option(extras, { freq: 8, nil: undefined }),
    )
    .map(([opt, req, drop, extra]) => {
      const out: Record<string, unknown> = { ...req, ...opt };
      if (drop !== undefined) delete out[drop];
      return extra ? withKeys(out, extra) : out;
    });
}

const BROKEN_BODIES = [
  '{',
  'not json',
  '{"data":',
  '[]',
  '[{"data":{"name":"x"}}]',
  'null',
  '"x"',
  '1',
  'true',
  '{"data":{"name":"x"}}garbage',
  '\uFEFF{}',
  '{"a":1,"a":2}',
  '{"data":{"name":"x","name":{"a":1}}}',
  ' ',
];

function bodyArb(doc: OpenApiDocument, op: Operation): fc.Arbitrary<unknown> {
  const broken = fc.constantFrom(...BROKEN_BODIES).map((text) => new RawText(text));
  if (op.body) {
    return fc.oneof(
      { weight: 6, arbitrary: validArb(doc, op.body, 'body', 0) },
      { weight: 12, arbitrary: valueArb(doc, op.body, 'body', 0) },
      { weight: 1, arbitrary: broken },
      { weight: 1, arbitrary: anyJson },
    );
  }
  return fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: broken });
}

type PathValue = { kind: 'existing'; who: Who; pick: number } | { kind: 'missing'; id: number } | { kind: 'garbage'; text: string };

const pathValueArb: fc.Arbitrary<PathValue> = fc.oneof(
  { weight: 16, arbitrary: fc.tuple(whoArb, fc.nat()).map(([who, pick]): PathValue => ({ kind: 'existing', who, pick })) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 1_000_000, max: INT32_MAX }), fc.constant(INT32_MAX)).map((id): PathValue => ({ kind: 'missing', id })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constantFrom(
          '0',
          '-1',
          '1.5',
          '1e3',
          '0x1f',
          ' 1',
          '1 ',
          '+1',
          '01',
          '١',
          '2147483648',
          '99999999999999999999',
          'abc',
          'null',
          'me',
          '%00',
          "1'",
          '1;DROP TABLE party',
          '..',
          '.',
        ),
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
      )
      .map((text): PathValue => ({ kind: 'garbage', text })),
  },
);

type QueryValue = { kind: 'who'; who: Who } | { kind: 'raw'; value: string | string[] };

const QUERY_GARBAGE = ['', ' ', 'abc', '1.5', '-1', '1e2', '0x10', 'null', '2147483648', '9'.repeat(30), '١'];

function queryValueArb(param: Parameter): fc.Arbitrary<QueryValue> {
  const raw = (arb: fc.Arbitrary<string | string[]>) => arb.map((value): QueryValue => ({ kind: 'raw', value }));
  const schema = param.schema ?? {};
  const garbage = fc.oneof(fc.constantFrom(...QUERY_GARBAGE), fc.constant<string[]>(['1', '2']));
  if (schema.type === 'integer' || schema.type === 'number') {
    const min = schema.minimum ?? 0;
    const max = schema.maximum ?? INT32_MAX;
    return fc.oneof(
      { weight: 10, arbitrary: raw(fc.integer({ min, max: Math.min(max, min + 200) }).map(String)) },
      { weight: 2, arbitrary: raw(fc.constantFrom(min - 1, min, max, max + 1, INT32_MAX, INT32_MAX + 1).map(String)) },
      { weight: 1, arbitrary: raw(garbage) },
    );
  }
  return fc.oneof(
    { weight: 8, arbitrary: raw(fc.string({ maxLength: 20 })) },
    { weight: 3, arbitrary: raw(fc.constantFrom(...INTERESTING_STRINGS.filter((text) => !/[\ud800-\udfff]/.test(text)))) },
    { weight: 1, arbitrary: raw(fc.constantFrom(schema.maxLength ?? 128, (schema.maxLength ?? 128) + 1, 5000).map((n) => 'q'.repeat(n))) },
    { weight: 1, arbitrary: raw(fc.constant<string[]>(['a', 'b'])) },
  );
}

/** `player` / `caller` on the trusted surface: mostly one of them naming a player in some role. */
function actingArb(op: Operation): fc.Arbitrary<Record<string, QueryValue | undefined>> {
  const names = op.queryParams.map((p) => p.name);
  if (!names.includes('player') && !names.includes('caller')) return fc.constant({});
  const who = whoArb.map((w): QueryValue => ({ kind: 'who', who: w }));
  const raw = (arb: fc.Arbitrary<string | string[]>) => arb.map((value): QueryValue => ({ kind: 'raw', value }));
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant({}) },
    { weight: 8, arbitrary: who.map((player) => ({ player })) },
    { weight: 2, arbitrary: who.map((caller) => ({ caller })) },
    { weight: 1, arbitrary: who.map((v) => ({ player: v, caller: v })) },
    { weight: 1, arbitrary: fc.tuple(who, who).map(([player, caller]) => ({ player, caller })) },
    { weight: 1, arbitrary: raw(fc.constantFrom(String(INT32_MAX), '1000000')).map((player) => ({ player })) },
    {
      weight: 1,
      arbitrary: raw(fc.oneof(fc.constantFrom(...QUERY_GARBAGE), fc.constant<string[]>(['1', '2']))).map((v) =>
        v.kind === 'raw' && v.value === '' ? { caller: v } : { player: v },
      ),
    },
  );
}

type AuthChoice = { kind: 'as'; who: Who } | { kind: 'none' } | { kind: 'garbage' } | { kind: 'malformed' } | { kind: 'wrong-key' };

function authArb(op: Operation): fc.Arbitrary<AuthChoice> {
  if (op.auth === 'session') {
    return fc.oneof(
      { weight: 14, arbitrary: whoArb.map((who): AuthChoice => ({ kind: 'as', who })) },
      { weight: 1, arbitrary: fc.constantFrom<AuthChoice>({ kind: 'none' }, { kind: 'garbage' }, { kind: 'malformed' }) },
    );
  }
  if (op.auth === 'server-key') {
    return fc.oneof(
      { weight: 14, arbitrary: fc.constant<AuthChoice>({ kind: 'as', who: 'owner' }) },
      { weight: 1, arbitrary: fc.constantFrom<AuthChoice>({ kind: 'none' }, { kind: 'wrong-key' }) },
    );
  }
  return fc.constant<AuthChoice>({ kind: 'none' });
}

interface RequestSpec {
  op: Operation;
  path: Record<string, PathValue>;
  query: Record<string, QueryValue | undefined>;
  extraQuery: [string, string] | undefined;
  body: unknown;
  contentType: string;
  auth: AuthChoice;
}

/** One arbitrary per operation, built once (building arbitraries is far slower than drawing from them). */
function requestArb(doc: OpenApiDocument, ops: Operation[]): fc.Arbitrary<RequestSpec> {
  return fc.oneof(
    ...ops.map((op) =>
      fc.record({
        op: fc.constant(op),
        path: fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, pathValueArb]))),
        query: fc
          .tuple(
            fc.record(
              Object.fromEntries(
                op.queryParams
                  .filter((p) => p.name !== 'player' && p.name !== 'caller')
                  .map((p) => [p.name, fc.option(queryValueArb(p), { freq: 2, nil: undefined })]),
              ),
            ),
            actingArb(op),
          )
          .map(([plain, acting]) => ({ ...plain, ...acting })),
        extraQuery: fc.option(fc.tuple(fc.constantFrom('cachebust', '_', 'player', 'caller', 'skip', 'query'), fc.string({ maxLength: 8 })), {
          freq: 8,
          nil: undefined,
        }),
        body: bodyArb(doc, op),
        contentType: fc.oneof(
          { weight: 24, arbitrary: fc.constant('application/json') },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              'text/plain',
              'application/x-www-form-urlencoded',
              'application/json; charset=utf-16',
              'application/json; charset=latin1',
              'application/vnd.api+json',
            ),
          },
        ),
        auth: authArb(op),
      }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The run

interface PartyRowDb {
  id: number;
  owner_id: number | null;
}
interface MembershipRowDb {
  id: number;
  party_id: number;
  player_id: number;
  role: number;
  status: number;
}
interface PlayerRowDb {
  id: number;
  is_ban: number | boolean;
}
interface BanRowDb {
  party_id: number;
  player_id: number;
}

interface Violation {
  group: string;
  op: string;
  problem: string;
  request: string;
  response: string;
}

const truncate = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text);

describeApi('fuzz: every operation of the OpenAPI document', () => {
  const t = useTestApp();
  let app: TestApp;
  let api: Api;
  let doc: OpenApiDocument;
  let operations: Operation[];
  let pool: TestPlayer[];
  let current: FullSnapshot;
  let fixtureOwner = 0;
  const seenOps = new Map<string, number>();
  /** how often each operation got each answer; printed with FUZZ_DEBUG=1 */
  const outcomes = new Map<string, number>();

  beforeAll(async () => {
    ({ app, api } = t);
    const res = await request(app.url).get('/docs-json');
    expectStatus(res, 200);
    doc = res.body;
    operations = operationsOf(doc);
    pool = await api.players(6);
    current = await snapshot(app);
  });
  afterAll(() => {
    if (process.env.FUZZ_DEBUG) {
      console.log(
        [...outcomes.entries()]
          .sort()
          .map(([outcome, n]) => `${String(n).padStart(4)} ${outcome}`)
          .join('\n'),
      );
    }
  });

  // Parsed rows of the current snapshot, cached per snapshot.
  const parsed = new WeakMap<FullSnapshot, { parties: PartyRowDb[]; memberships: MembershipRowDb[]; players: PlayerRowDb[]; bans: BanRowDb[] }>();
  function rows(snapshot: FullSnapshot) {
    let cached = parsed.get(snapshot);
    if (!cached) {
      cached = {
        parties: rowsOf<PartyRowDb>(snapshot, 'party'),
        memberships: rowsOf<MembershipRowDb>(snapshot, 'membership'),
        players: rowsOf<PlayerRowDb>(snapshot, 'player'),
        bans: rowsOf<BanRowDb>(snapshot, 'party_ban'),
      };
      parsed.set(snapshot, cached);
    }
    return cached;
  }

  /** A party of pool players: owner, admin, member, a waiting requester and a banned player. */
  async function buildParty(): Promise<void> {
    const at = (i: number) => pool[(fixtureOwner + i) % pool.length];
    fixtureOwner++;
    const party = await api.party(at(0), { name: 'Fuzz party', teams: ['red', 'blue'], channels: ['general', 'chat'], variables: { mode: 'ranked' } });
    for (const res of await Promise.all([api.join(at(1), party.id, { team: 'red' }), api.join(at(2), party.id, { channels: ['chat'] })])) {
      expectStatus(res, 200);
    }
    expectStatus(await api.web(at(0).token, 'put', `/${party.id}/members/${at(1).id}/role`, { role: 2 }), 200);
    expectStatus(await api.web(at(0).token, 'put', `/${party.id}`, { data: { is_private: true } }), 200);
    expectStatus(await api.join(at(3), party.id), 200);
    expectStatus(await api.web(at(0).token, 'put', `/${party.id}/bans/${at(4).id}`), 200);
  }

  /** Keeps the world worth fuzzing: pool players unbanned, a few parties with requests waiting. */
  async function replenish(): Promise<void> {
    let changed = false;
    const { parties, memberships, players } = rows(current);
    for (const player of players.filter((p) => Number(p.is_ban) === 1 && pool.some((q) => q.id === p.id))) {
      expectStatus(await api.server('put', `/server/players/${player.id}`, { data: { is_ban: false } }), 200);
      changed = true;
    }
    const poolIds = new Set(pool.map((p) => p.id));
    const lively = parties.filter(
      (party) => party.owner_id !== null && poolIds.has(party.owner_id) && memberships.some((m) => m.party_id === party.id && Number(m.status) === 0),
    );
    for (let i = lively.length; i < 2; i++) {
      await buildParty();
      changed = true;
    }
    if (changed) current = await snapshot(app);
  }

  /** The player a `Who` names in a party (falling back to a pool player). */
  function playerFor(who: Who, partyId: number | null, pick: number): number {
    const { memberships, bans } = rows(current);
    if (typeof who === 'object') return pool[who.pool % pool.length].id;
    const inParty = memberships.filter((m) => m.party_id === partyId);
    const candidates =
      who === 'owner'
        ? inParty.filter((m) => Number(m.role) === 1 && Number(m.status) === 1).map((m) => m.player_id)
        : who === 'admin'
          ? inParty.filter((m) => Number(m.role) === 2 && Number(m.status) === 1).map((m) => m.player_id)
          : who === 'member'
            ? inParty.filter((m) => Number(m.role) === 3 && Number(m.status) === 1).map((m) => m.player_id)
            : who === 'waiter'
              ? inParty.filter((m) => Number(m.status) === 0).map((m) => m.player_id)
              : bans.filter((b) => b.party_id === partyId).map((b) => b.player_id);
    return candidates.length > 0 ? candidates[pick % candidates.length] : pool[pick % pool.length].id;
  }

  /** Turns a generated spec into a concrete request against the current state. */
  function materialize(spec: RequestSpec) {
    const { parties, memberships, players } = rows(current);
    const seenParties = parties.length > 0 ? parties : [{ id: 1, owner_id: null }];
    let partyId: number | null = null;
    const pathValues: Record<string, string> = {};
    // partyId first: the other ids are chosen relative to that party.
    const names = spec.op.pathParams.map((p) => p.name).sort((a, b) => (a === 'partyId' ? -1 : b === 'partyId' ? 1 : 0));
    for (const name of names) {
      const value = spec.path[name];
      let text: string;
      if (value.kind === 'missing') text = String(value.id);
      else if (value.kind === 'garbage') text = value.text;
      else if (name === 'partyId') {
        // Mostly a party with people in every role (and requests waiting), else any party.
        const lively = seenParties.filter((party) => memberships.some((m) => m.party_id === party.id && Number(m.status) === 0));
        const choices = value.pick % 3 !== 0 && lively.length > 0 ? lively : seenParties;
        partyId = choices[Math.floor(value.pick / 3) % choices.length].id;
        text = String(partyId);
      } else if (name === 'membershipId') {
        const inParty = memberships.filter((m) => m.party_id === partyId);
        const waiting = inParty.filter((m) => Number(m.status) === 0);
        const choices = waiting.length > 0 && value.pick % 4 !== 0 ? waiting : inParty.length > 0 ? inParty : memberships;
        text = String(choices.length > 0 ? choices[value.pick % choices.length].id : 1);
      } else if (name === 'playerId') {
        text = String(value.pick % 5 === 4 ? players[value.pick % players.length].id : playerFor(value.who, partyId, value.pick));
      } else {
        text = String(value.pick % 1000);
      }
      pathValues[name] = text;
    }
    const path = spec.op.template.replace(/\{(\w+)\}/g, (_, name: string) => {
      try {
        return encodeURIComponent(pathValues[name]);
      } catch {
        return 'x';
      }
    });

    const query = new URLSearchParams();
    const actingPick = Object.values(spec.path).find((v) => v.kind === 'existing')?.pick ?? 0;
    for (const [name, value] of Object.entries(spec.query)) {
      if (value === undefined) continue;
      const values = value.kind === 'who' ? [String(playerFor(value.who, partyId, actingPick))] : Array.isArray(value.value) ? value.value : [value.value];
      for (const v of values) query.append(name, v.replace(/[\ud800-\udfff]/g, '?'));
    }
    if (spec.extraQuery) query.append(spec.extraQuery[0], spec.extraQuery[1]);
    const queryText = query.toString();
    const url = `${path}${queryText ? `?${queryText}` : ''}`;

    const headers: Record<string, string> = {};
    const auth = spec.auth;
    if (spec.op.auth === 'session') {
      if (auth.kind === 'as') {
        const id = playerFor(auth.who, partyId, actingPick);
        headers.authorization = `Bearer ${(pool.find((p) => p.id === id) ?? pool[actingPick % pool.length]).token}`;
      } else if (auth.kind === 'garbage') headers.authorization = `Bearer ${'A'.repeat(43)}`;
      else if (auth.kind === 'malformed') headers.authorization = 'Bearer not a token!';
    } else if (spec.op.auth === 'server-key') {
      if (auth.kind === 'as') headers['x-server-key'] = app.serverKey;
      else if (auth.kind === 'wrong-key') headers['x-server-key'] = 'wrong-key-0123456789abcdef-0123456789';
    }

    let body: string | undefined;
    if (spec.body instanceof RawText) body = spec.body.text;
    else if (spec.body !== undefined) body = JSON.stringify(resolveRefs(spec.body, partyId));
    if (body !== undefined) headers['content-type'] = spec.contentType;
    return { method: spec.op.method, url, headers, body };
  }

  function resolveRefs(value: unknown, partyId: number | null): unknown {
    if (value instanceof Ref) {
      if (value.kind === 'party') return value.pick % 3 === 0 ? value.pick : (partyId ?? value.pick);
      return playerFor(value.who ?? 'owner', partyId, value.pick);
    }
    if (Array.isArray(value)) return value.map((item) => resolveRefs(item, partyId));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        Object.defineProperty(out, key, {
          value: resolveRefs((value as Record<string, unknown>)[key], partyId),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return value;
  }

  async function send(req: { method: Method; url: string; headers: Record<string, string>; body?: string }): Promise<Response> {
    const pending = request(app.url)[req.method](req.url).set(req.headers);
    return req.body === undefined ? pending : pending.send(req.body);
  }

  /** The three properties, for one response; violations are returned, not thrown, to collect them all. */
  function check(res: Response, before: FullSnapshot, after: FullSnapshot): string[] {
    const problems: string[] = [];
    if (res.status >= 500) problems.push(`${res.status} server error`);
    if (res.status >= 400) {
      const body = res.body as Record<string, unknown>;
      const keys = body && typeof body === 'object' ? Object.keys(body).sort() : [];
      if (JSON.stringify(keys) !== JSON.stringify(['code', 'error', 'message', 'msg', 'status', 'statusCode'])) {
        problems.push(`error body keys are ${JSON.stringify(keys)}`);
      } else {
        if (body.statusCode !== res.status) problems.push(`statusCode ${JSON.stringify(body.statusCode)} differs from HTTP ${res.status}`);
        if (typeof body.code !== 'string' || !/^[A-Z_]+$/.test(body.code)) problems.push(`code ${JSON.stringify(body.code)}`);
        if (typeof body.error !== 'string' || typeof body.message !== 'string' || typeof body.msg !== 'string') {
          problems.push('error/message/msg are not strings');
        }
        if (body.status !== false) problems.push(`status ${JSON.stringify(body.status)} is not false`);
      }
      if (!/application\/json/.test(String(res.headers['content-type']))) problems.push(`error content-type ${res.headers['content-type']}`);
    }
    if (res.status >= 400 && res.status < 500) {
      const wrote = snapshotDiff(before, after, 4);
      if (wrote !== null) problems.push(`a ${res.status} wrote:\n${wrote}`);
    }
    return problems;
  }

  it('the property checks catch what they are for (no vacuous pass)', async () => {
    const before = await snapshot(app);
    const after = await snapshot(app);
    const fake = (status: number, body: unknown, contentType = 'application/json; charset=utf-8') =>
      ({ status, body, headers: { 'content-type': contentType } }) as unknown as Response;
    const good = { statusCode: 404, error: 'Not Found', code: 'PARTY_NOT_FOUND', message: 'no', msg: 'party notfound', status: false };
    expect(check(fake(404, good), before, after)).toEqual([]);
    expect(check(fake(500, { ...good, statusCode: 500 }), before, after)).toHaveLength(1);
    expect(check(fake(400, { ...good, stack: 'at …' }), before, after)).toHaveLength(1);
    expect(check(fake(400, good), before, after)).toHaveLength(1);
    expect(check(fake(404, { ...good, status: 'error' }), before, after)).toHaveLength(1);
    expect(check(fake(404, good, 'text/html'), before, after)).toHaveLength(1);
    const written = { ...after, party: new Map([...after.party, ['999999', '{"id":999999}']]) };
    expect(check(fake(404, good), before, written)).toHaveLength(1);
    expect(check(fake(200, {}), before, written)).toEqual([]);
  });

  it('reads an OpenAPI document listing both surfaces', () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    expect(operations.filter((op) => op.template.startsWith('/api/table/services/parties')).length).toBeGreaterThanOrEqual(19);
    expect(operations.filter((op) => op.template.startsWith('/server/services/party')).length).toBeGreaterThanOrEqual(19);
    expect(operations.filter((op) => op.body !== null).every((op) => resolveRef(doc, op.body!).type === 'object')).toBe(true);
  });

  describe.each(GROUPS.map((group) => [group.name]))('%s', (groupName) => {
    it(`never 5xx, errors in one shape, no write on a 4xx (${RUNS} runs, seed ${SEED})`, async () => {
      const ops = operations.filter((op) => groupOf(op) === groupName);
      expect(ops.length).toBeGreaterThan(0);
      const violations: Violation[] = [];
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(requestArb(doc, ops), async (spec) => {
          await replenish();
          const req = materialize(spec);
          const before = current;
          const res = await send(req);
          current = await snapshot(app);
          const outcome = `${spec.op.key} → ${res.status}${res.status >= 400 ? ` ${res.body?.code}` : ''}`;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          seenOps.set(spec.op.key, (seenOps.get(spec.op.key) ?? 0) + 1);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          for (const problem of check(res, before, current)) {
            const shown = { ...req.headers };
            if (shown.authorization) shown.authorization = 'Bearer <token>';
            if (shown['x-server-key'] === app.serverKey) shown['x-server-key'] = '<SERVER_KEY>';
            violations.push({
              group: groupName,
              op: spec.op.key,
              problem,
              request: `${req.method.toUpperCase()} ${req.url} ${JSON.stringify(shown)} ${req.body === undefined ? '(no body)' : truncate(req.body)}`,
              response: `${res.status} ${truncate(JSON.stringify(res.body) ?? res.text)}`,
            });
          }
          return true;
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      // The fuzzer reached both outcomes, not only refusals.
      const codes = [...statuses.keys()];
      expect(codes.some((code) => code < 300)).toBe(true);
      expect(codes.some((code) => code >= 400 && code < 500)).toBe(true);
      if (violations.length > 0) {
        const distinct = new Map<string, Violation[]>();
        for (const v of violations) {
          const kind = `${v.op} | ${v.problem.split('\n')[0].replace(/\d+/g, 'N')}`;
          distinct.set(kind, [...(distinct.get(kind) ?? []), v]);
        }
        const report = [...distinct.entries()].map(
          ([kind, list]) => `● ${kind} (${list.length}×)\n    ${list[0].request}\n    → ${list[0].response}\n    ${list[0].problem.replace(/\n/g, '\n    ')}`,
        );
        throw new Error(`${violations.length} violation(s) in ${groupName}, ${distinct.size} distinct:\n${report.join('\n')}`);
      }
    }, 180_000);
  });

  it('exercised every operation of the document', () => {
    expect(operations.filter((op) => !seenOps.has(op.key)).map((op) => op.key)).toEqual([]);
  });
});
