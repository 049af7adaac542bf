import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { parseByteSize } from '../deliver/byteSize.js';
import { parseDockerHost } from '../sources/engine/dockerHost.js';

/**
 * Codecs that read a config value as it comes from a flag or the environment (a string) or from
 * a JSON / YAML file (a number, boolean or list). Their names say what was expected, for the
 * error that names the key and the value.
 */

export const wholeNumber = (min: number, max: number): t.Type<number, number, unknown> =>
  new t.Type<number, number, unknown>(
    `a whole number from ${min} to ${max}`,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) => {
      const n = typeof u === 'string' && u.trim() !== '' ? Number(u) : u;
      return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c);
    },
    t.identity,
  );

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
export const onOff = new t.Type<boolean, boolean, unknown>(
  'true or false',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => {
    if (typeof u === 'boolean') return t.success(u);
    const s = typeof u === 'string' ? u.trim().toLowerCase() : undefined;
    return s !== undefined && TRUE.includes(s)
      ? t.success(true)
      : s !== undefined && FALSE.includes(s)
        ? t.success(false)
        : t.failure(u, c);
  },
  t.identity,
);

export const list = new t.Type<string[], string[], unknown>(
  'a comma-separated list',
  (u): u is string[] => Array.isArray(u) && u.every((x) => typeof x === 'string'),
  (u, c) => {
    if (typeof u === 'string')
      return t.success(
        u
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      );
    return Array.isArray(u) && u.every((x) => typeof x === 'string') ? t.success(u as string[]) : t.failure(u, c);
  },
  t.identity,
);

/** Why an engine address is refused (`parseDockerHost`, the parser connectEngine uses), or undefined. */
const addressProblem = (address: string): string | undefined => {
  const parsed = parseDockerHost({ DOCKER_HOST: address });
  return isLeft(parsed) ? parsed.left.replace(/^DOCKER_HOST /, '') : undefined;
};

/**
 * At least one address (with none, `,`, the daemon would watch nothing and exit at once), each
 * one that `parseDockerHost` takes: the config refuses exactly what connecting would, and says why.
 */
export const engineAddresses = new t.Type<string[], string[], unknown>(
  'one or more comma-separated unix://, tcp://, npipe://, http:// or https:// engine addresses (for ssh://, forward the socket: ssh -L)',
  (u): u is string[] => list.is(u) && u.length > 0 && u.every((a) => addressProblem(a) === undefined),
  (u, c) => {
    const decoded = list.validate(u, c);
    if (isLeft(decoded)) return decoded;
    if (decoded.right.length === 0) return t.failure(u, c);
    const problem = decoded.right.map(addressProblem).find((p) => p !== undefined);
    return problem === undefined ? decoded : t.failure(u, c, problem);
  },
  t.identity,
);

export const byteSize = new t.Type<number, number, unknown>(
  "a size such as '50MB', '64MiB' or a number of bytes",
  (u): u is number => typeof u === 'number' && u > 0,
  (u, c) => {
    const n = typeof u === 'number' || typeof u === 'string' ? parseByteSize(u) : undefined;
    return n === undefined ? t.failure(u, c) : t.success(n);
  },
  t.identity,
);

export const httpUrl = new t.Type<string, string, unknown>(
  'an http:// or https:// URL',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    try {
      const url = new URL(u);
      return url.protocol === 'http:' || url.protocol === 'https:' ? t.success(u.replace(/\/+$/, '')) : t.failure(u, c);
    } catch {
      return t.failure(u, c);
    }
  },
  t.identity,
);

export const text = new t.Type<string, string, unknown>(
  'a text',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const oneOf = <K extends string>(...values: K[]): t.Type<K, K, unknown> =>
  new t.Type<K, K, unknown>(
    `one of ${values.join(', ')}`,
    (u): u is K => typeof u === 'string' && (values as string[]).includes(u),
    (u, c) =>
      typeof u === 'string' && (values as string[]).includes(u.trim()) ? t.success(u.trim() as K) : t.failure(u, c),
    t.identity,
  );

export const output = new t.Type<string, string, unknown>(
  "'stdout' or 'file:PATH'",
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string' && (u === 'stdout' || (u.startsWith('file:') && u.length > 5))
      ? t.success(u)
      : t.failure(u, c),
  t.identity,
);

/** A key that may be left unset; named as the codec it wraps, for error messages. */
export const optional = <A>(codec: t.Type<A, A, unknown>): t.Type<A | undefined, A | undefined, unknown> =>
  new t.Type<A | undefined, A | undefined, unknown>(
    codec.name,
    (u): u is A | undefined => u === undefined || codec.is(u),
    (u, c) => (u === undefined ? t.success(undefined) : codec.validate(u, c)),
    t.identity,
  );

/** An HTTP header name (RFC 9110's token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Extra HTTP headers from `Name=value,Name=value` (a value cannot hold a comma); a text that is
 * not that gives the reason, without the values (they may be credentials).
 */
export function parseHeaders(u: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const piece of u.split(',')) {
    if (piece.trim() === '') continue;
    const at = piece.indexOf('=');
    const name = (at < 0 ? piece : piece.slice(0, at)).trim();
    if (at < 0 || !HEADER_NAME.test(name))
      return `expected Name=value,Name=value (piece ${Object.keys(headers).length + 1} is not)`;
    const value = piece.slice(at + 1).trim();
    if (/[\r\n]/.test(value)) return `expected no line break in the value of ${name}`;
    headers[name] = value;
  }
  return headers;
}
