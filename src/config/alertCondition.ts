import * as t from 'io-ts';
import { formatDuration, parseDuration } from './alertDuration.js';
import { ALERT_FIELDS, TEXT_FIELDS } from './alertFields.js';

/** The measurements a threshold may name: those the transform writes. */
export const ALERT_MEASUREMENTS = Object.keys(ALERT_FIELDS);

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;

const Comparison = t.keyof({ '>': null, '>=': null, '<': null, '<=': null, '==': null, '!=': null });

/** A rule's `when`, parsed: a threshold on a field of our points, or a container's lifecycle. */
export const ConditionShape = t.union([
  t.readonly(
    t.type({
      kind: t.literal('threshold'),
      measurement: t.string,
      field: t.string,
      op: Comparison,
      value: t.number,
    }),
  ),
  /** It exited (or is dead) with a non-zero code. */
  t.readonly(t.type({ kind: t.literal('exited') })),
  t.readonly(t.type({ kind: t.literal('oom_killed') })),
  t.readonly(t.type({ kind: t.literal('unhealthy') })),
  /** It (re)started `count` times within the last `withinMs`. */
  t.readonly(t.type({ kind: t.literal('restarts'), count: t.number, withinMs: t.number })),
  /** It went away while watched: momentary, it holds only at the removal. */
  t.readonly(t.type({ kind: t.literal('gone') })),
]);
export type Condition = t.TypeOf<typeof ConditionShape>;
export type Threshold = Extract<Condition, { kind: 'threshold' }>;

const THRESHOLD = /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(\S+)$/i;
/** A threshold's shape with some other word between the field and the number: a wrong operator. */
const LOOSE_THRESHOLD = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\s*(\S+?)\s*[-+.\d]\S*$/i;
const RESTARTS = /^restarts\s+(?:>=\s*)?(\S+)\s+in\s+(\S+)$/i;
const WORDS: Record<string, Condition> = {
  exited: { kind: 'exited' },
  'exited non-zero': { kind: 'exited' },
  oom_killed: { kind: 'oom_killed' },
  unhealthy: { kind: 'unhealthy' },
  gone: { kind: 'gone' },
};

export const CONDITION_GRAMMAR =
  '<measurement>.<field> <op> <number> (op one of > >= < <= == !=), exited, oom_killed, unhealthy, restarts <N> in <duration>, or gone';

/** The condition a `when` text says, or why it says none. */
export function parseCondition(text: string): Condition | string {
  const s = text.trim().replace(/\s+/g, ' ');
  const word = WORDS[s.toLowerCase()];
  if (word) return word;
  const threshold = THRESHOLD.exec(s);
  if (threshold) {
    const [, measurement, field, op, number] = threshold as unknown as [
      string,
      string,
      string,
      Threshold['op'],
      string,
    ];
    const fields = ALERT_FIELDS[measurement];
    if (!fields) return `no measurement ${JSON.stringify(measurement)}: one of ${ALERT_MEASUREMENTS.join(', ')}`;
    if (TEXT_FIELDS[measurement]?.includes(field))
      return `${measurement}.${field} is a text: use a lifecycle condition (exited, oom_killed, unhealthy)`;
    if (!fields.includes(field))
      return `no field ${JSON.stringify(`${measurement}.${field}`)}: ${measurement} has ${fields.join(', ')}`;
    const value = Number(number);
    if (!Number.isFinite(value)) return `${JSON.stringify(number)} is not a number`;
    return { kind: 'threshold', measurement, field, op, value };
  }
  const restarts = RESTARTS.exec(s);
  if (restarts) {
    const count = Number(restarts[1]);
    if (!Number.isInteger(count) || count < 1) return `restarts ${restarts[1]}: the count is a whole number from 1`;
    const withinMs = parseDuration(restarts[2]!);
    if (withinMs === undefined || withinMs <= 0)
      return `restarts in ${JSON.stringify(restarts[2])}: the window is a duration such as 10m`;
    return { kind: 'restarts', count, withinMs };
  }
  const loose = LOOSE_THRESHOLD.exec(s);
  if (loose) return `operator ${JSON.stringify(loose[1])}: one of ${COMPARISONS.join(' ')}`;
  return `expected ${CONDITION_GRAMMAR}`;
}

/** A condition as a rule file would say it. */
export function conditionText(c: Condition): string {
  switch (c.kind) {
    case 'threshold':
      return `${c.measurement}.${c.field} ${c.op} ${c.value}`;
    case 'restarts':
      return `restarts ${c.count} in ${formatDuration(c.withinMs)}`;
    default:
      return c.kind;
  }
}

/** `when`: the text into its condition; the failure carries the reason. */
export const when = new t.Type<Condition, string, unknown>(
  'a condition',
  ConditionShape.is,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, `expected a text: ${CONDITION_GRAMMAR}`);
    const parsed = parseCondition(u);
    return typeof parsed === 'string' ? t.failure(u, c, parsed) : t.success(parsed);
  },
  conditionText,
);
