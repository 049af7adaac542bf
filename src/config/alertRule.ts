import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { ConditionShape, type Condition, when } from './alertCondition.js';
import { duration } from './alertDuration.js';

/**
 * The alert rule grammar: a rule as a file writes it (`name`, `when`, `for`, ...) decodes into
 * an `AlertRule` with every default filled in. The codecs are the one place its types come from.
 */

/** Which containers a rule applies to: globs as the filters take them (labels `key=value` or `key`); empty: all. */
export const ContainerSelection = t.readonly(
  t.type({
    names: t.readonlyArray(t.string),
    images: t.readonlyArray(t.string),
    labels: t.readonlyArray(t.string),
    excludeNames: t.readonlyArray(t.string),
    excludeImages: t.readonlyArray(t.string),
    excludeLabels: t.readonlyArray(t.string),
  }),
);
export type ContainerSelection = t.TypeOf<typeof ContainerSelection>;

/** A rule, decoded: durations in ms, defaults filled in. */
export const AlertRule = t.readonly(
  t.type({
    name: t.string,
    when: ConditionShape,
    forMs: t.number,
    /** How long it goes on firing once the condition is clear; holding again meanwhile is the same alert. */
    keepFiringForMs: t.number,
    /** A firing alert is told again this often (0: never). */
    repeatMs: t.number,
    /** After resolving, it does not fire again for this long. */
    cooldownMs: t.number,
    severity: t.string,
    containers: ContainerSelection,
    enabled: t.boolean,
  }),
);
export type AlertRule = t.TypeOf<typeof AlertRule>;

export const DEFAULT_REPEAT_MS = 4 * 3_600_000;
export const DEFAULT_COOLDOWN_MS = 60_000;
/** How long `gone`, which holds only at the moment of the removal, fires unless `keep_firing_for` says. */
export const DEFAULT_GONE_FIRING_MS = 5 * 60_000;

const globs = new t.Type<readonly string[], readonly string[], unknown>(
  'a glob or a list of globs',
  (u): u is readonly string[] => Array.isArray(u) && u.every((x) => typeof x === 'string'),
  (u, c) => {
    const list = typeof u === 'string' ? [u] : u;
    return Array.isArray(list) && list.every((x) => typeof x === 'string' && x.trim() !== '')
      ? t.success(list.map((x: string) => x.trim()))
      : t.failure(u, c);
  },
  t.identity,
);

const SELECTION_KEYS: Record<string, keyof ContainerSelection> = {
  names: 'names',
  images: 'images',
  labels: 'labels',
  exclude_names: 'excludeNames',
  exclude_images: 'excludeImages',
  exclude_labels: 'excludeLabels',
};

const ALL: ContainerSelection = {
  names: [],
  images: [],
  labels: [],
  excludeNames: [],
  excludeImages: [],
  excludeLabels: [],
};

/** `containers`: a list of name globs (`["web-*"]`), or `{ names, images, labels, exclude_names, ... }`. */
export const containers = new t.Type<ContainerSelection, unknown, unknown>(
  'name globs, or { names, images, labels, exclude_names, exclude_images, exclude_labels }',
  ContainerSelection.is,
  (u, c) => {
    if (typeof u === 'string' || Array.isArray(u)) {
      const names = globs.validate(u, c);
      return isLeft(names) ? names : t.success({ ...ALL, names: names.right });
    }
    if (typeof u !== 'object' || u === null) return t.failure(u, c);
    const selection: Record<string, readonly string[]> = { ...ALL };
    for (const [key, value] of Object.entries(u)) {
      const field = SELECTION_KEYS[key];
      if (!field) return t.failure(u, c, `no key ${JSON.stringify(key)}: ${Object.keys(SELECTION_KEYS).join(', ')}`);
      const decoded = globs.validate(value, c);
      if (isLeft(decoded)) return t.failure(u, c, `${key}: expected ${globs.name}`);
      selection[field] = decoded.right;
    }
    return t.success(selection as unknown as ContainerSelection);
  },
  t.identity,
);

const ruleName = new t.Type<string, string, unknown>(
  'a name of 1 to 128 characters, none of them a control character',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && /^[^\p{Cc}]{1,128}$/u.test(u.trim()) ? t.success(u.trim()) : t.failure(u, c)),
  t.identity,
);

const severity = new t.Type<string, string, unknown>(
  'a word such as info, warning or critical (letters, digits, _ and -)',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && /^[\w-]{1,32}$/.test(u.trim()) ? t.success(u.trim()) : t.failure(u, c)),
  t.identity,
);

const enabled = new t.Type<boolean, boolean, unknown>(
  'true or false',
  t.boolean.is,
  (u, c) => (typeof u === 'boolean' ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** A rule's keys as a file writes them, each with its codec. */
const RULE_KEYS = {
  name: ruleName,
  when,
  for: duration,
  keep_firing_for: duration,
  repeat_interval: duration,
  cooldown: duration,
  containers,
  severity,
  enabled,
} as const;
type RuleKey = keyof typeof RULE_KEYS;
type Given = { -readonly [K in RuleKey]?: t.TypeOf<(typeof RULE_KEYS)[K]> };

const shown = (u: unknown): string => (typeof u === 'string' ? JSON.stringify(u) : String(JSON.stringify(u)));

/** The rule's keys decoded one by one; a failure says which key and why. */
function given(u: Record<string, unknown>, c: t.Context): t.Validation<Given> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(u)) {
    if (!(key in RULE_KEYS))
      return t.failure(u, c, `no key ${JSON.stringify(key)}: a rule has ${Object.keys(RULE_KEYS).join(', ')}`);
    const codec = RULE_KEYS[key as RuleKey] as t.Type<unknown, unknown, unknown>;
    const decoded = codec.validate(value, t.appendContext(c, key, codec, value));
    if (isLeft(decoded)) {
      const why = decoded.left.find((e) => e.message)?.message;
      return t.failure(u, c, `${key}: ${shown(value)}: ${why ?? `expected ${codec.name}`}`);
    }
    out[key] = decoded.right;
  }
  return t.success(out as Given);
}

/** `for` that a condition cannot have: `gone` holds only at the moment of the removal. */
const forProblem = (when: Condition, forMs: number): string | undefined =>
  when.kind === 'gone' && forMs > 0 ? 'for: gone holds only at the moment a container goes away: no for' : undefined;

/** One rule of a rule file, into an `AlertRule`. Failures name the key and what is wrong. */
export const alertRule = new t.Type<AlertRule, unknown, unknown>(
  'an alert rule',
  AlertRule.is,
  (u, c) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u))
      return t.failure(u, c, 'expected a map with name, when and the other keys of a rule');
    const decoded = given(u as Record<string, unknown>, c);
    if (isLeft(decoded)) return decoded;
    const g = decoded.right;
    if (g.name === undefined) return t.failure(u, c, 'name: missing');
    if (g.when === undefined) return t.failure(u, c, 'when: missing');
    const forMs = g.for ?? 0;
    const problem = forProblem(g.when, forMs);
    if (problem) return t.failure(u, c, problem);
    return t.success({
      name: g.name,
      when: g.when,
      forMs,
      keepFiringForMs: g.keep_firing_for ?? (g.when.kind === 'gone' ? DEFAULT_GONE_FIRING_MS : forMs),
      repeatMs: g.repeat_interval ?? DEFAULT_REPEAT_MS,
      cooldownMs: g.cooldown ?? DEFAULT_COOLDOWN_MS,
      severity: g.severity ?? 'warning',
      containers: g.containers ?? ALL,
      enabled: g.enabled ?? true,
    });
  },
  t.identity,
);
