/*
 * What the official DynamicPixels SDKs' model parsing requires of an answer, as checks that collect
 * problems. Read from their sources: Unity (Newtonsoft.Json into C# classes: a null int or bool throws,
 * `teams`/`channels` must be strings, single rows are read from `row`) and Unreal (FJsonObjectConverter:
 * lists from `list`/`totalCount`, leave from `affected`, errors from `msg`).
 */

type Check = (value: unknown, path: string, problems: string[]) => void;

const fail = (problems: string[], path: string, what: string, value: unknown) => problems.push(`${path}: ${what}, got ${JSON.stringify(value)}`);

/** C# int: a whole number, never null. */
const int: Check = (v, p, out) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(out, p, 'must be an integer (C# int, non-nullable)', v);
};
/** C# bool: never null. */
const bool: Check = (v, p, out) => {
  if (typeof v !== 'boolean') fail(out, p, 'must be a boolean (C# bool, non-nullable)', v);
};
/** C# string: a string or null (an array or object throws). */
const str: Check = (v, p, out) => {
  if (v !== null && typeof v !== 'string') fail(out, p, 'must be a string or null', v);
};
/** DateTime?: null or a parseable date string. */
const dateOrNull: Check = (v, p, out) => {
  if (v !== null && (typeof v !== 'string' || Number.isNaN(Date.parse(v)))) fail(out, p, 'must be null or a date string', v);
};
/** `teams`/`channels`: C# string holding a JSON array (a JSON array itself throws). */
const jsonArrayString: Check = (v, p, out) => {
  if (typeof v !== 'string') return fail(out, p, 'must be a string holding a JSON array', v);
  try {
    if (!Array.isArray(JSON.parse(v))) fail(out, p, 'must hold a JSON array', v);
  } catch {
    fail(out, p, 'must hold valid JSON', v);
  }
};
/** Dictionary<string,string>: an object of scalar values (a string "{}" or a nested object throws). */
const stringMap: Check = (v, p, out) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(out, p, 'must be an object', v);
  for (const [key, item] of Object.entries(v)) if (typeof item === 'object' && item !== null) fail(out, `${p}.${key}`, 'must be a scalar', item);
};
const oneOf =
  (...allowed: number[]): Check =>
  (v, p, out) => {
    if (!allowed.includes(v as number)) fail(out, p, `must be one of ${allowed.join(', ')}`, v);
  };

const model =
  (fields: Record<string, Check>): Check =>
  (v, p, out) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(out, p, 'must be an object', v);
    for (const [name, check] of Object.entries(fields)) check((v as Record<string, unknown>)[name], `${p}.${name}`, out);
  };

const USER_FIELDS = {
  id: int,
  name: str,
  image: str,
  username: str,
  label: str,
  tags: str,
  is_ban: bool,
  is_tester: bool,
  is_guest: bool,
  first_login: dateOrNull,
  last_login: dateOrNull,
};
const MEMBERSHIP_FIELDS = { role: oneOf(1, 2, 3), status: oneOf(0, 1), data: str, variables: stringMap, channels: jsonArrayString, team: str };

export const SDK_MODELS = {
  /** Unity `User` (after login; Unreal's FUser is the same without `id`). */
  user: model(USER_FIELDS),
  /** `Party`: `owner`, `max_member_count` and `is_private` must never be null. */
  party: model({
    id: int,
    name: str,
    desc: str,
    image: str,
    max_member_count: int,
    is_private: bool,
    teams: jsonArrayString,
    channels: jsonArrayString,
    data: str,
    variables: stringMap,
    owner: int,
  }),
  /** `PartyMember` (join, accept, reject, waiting list). */
  membership: model({ id: int, party: int, player: int, ...MEMBERSHIP_FIELDS }),
  /** `RichPartyMember` (members list): the user's fields and the membership's. */
  member: model({ ...USER_FIELDS, ...MEMBERSHIP_FIELDS }),
};

export type SdkModel = keyof typeof SDK_MODELS;

/** `LoginResponse`: `user` and `token`. */
export function loginProblems(body: unknown): string[] {
  const out: string[] = [];
  model({ user: SDK_MODELS.user, token: (v, p, o) => (typeof v === 'string' && v.length > 0 ? undefined : fail(o, p, 'must be a token', v)) })(
    body,
    'body',
    out,
  );
  return out;
}

/** `RowResponse<T>`: the row under `row` (Unity reads nothing else). */
export function rowProblems(body: unknown, row: SdkModel): string[] {
  const out: string[] = [];
  model({ row: SDK_MODELS[row] })(body, 'body', out);
  return out;
}

/** `RowListResponse<T>`: `list` of T and an integer `totalCount`. */
export function pageProblems(body: unknown, item: SdkModel): string[] {
  const out: string[] = [];
  const b = body as { list?: unknown; totalCount?: unknown };
  if (!Array.isArray(b?.list)) fail(out, 'body.list', 'must be an array', b?.list);
  else b.list.forEach((entry, i) => SDK_MODELS[item](entry, `body.list[${i}]`, out));
  int(b?.totalCount, 'body.totalCount', out);
  return out;
}

/** A removal: Unity and Unreal read `affected` (> 0 means done) from leave, and `row` from reject. */
export function removalProblems(body: unknown, row: SdkModel): string[] {
  const out = rowProblems(body, row);
  const affected = (body as { affected?: unknown })?.affected;
  if (typeof affected !== 'number' || affected < 1) fail(out, 'body.affected', 'must be a positive integer', affected);
  return out;
}

/**
 * An error as the SDKs map it: a JSON body whose `msg` is their exact string, and `status` false (Unity
 * reads it as a bool and throws a JSON exception on a string, before any mapping).
 */
export function errorProblems(body: unknown, msg: string): string[] {
  const out: string[] = [];
  const b = body as { msg?: unknown; status?: unknown };
  if (b?.msg !== msg) fail(out, 'body.msg', `must be the SDKs' "${msg}"`, b?.msg);
  if (b?.status !== false) fail(out, 'body.status', 'must be false', b?.status);
  return out;
}
