import picomatch from 'picomatch';
import { type MonoTypeOperatorFunction, filter, identity, map } from 'rxjs';
import type { Fields, Point } from '../model/point.js';

export interface FieldSelection {
  /** Globs of whole measurements to write (MEASUREMENTS); empty: all. */
  readonly measurements?: readonly string[];
  /** Globs on `measurement.field` to write (FIELDS), e.g. `cpu.*`, `memory.usage_*`; empty: all. */
  readonly fields?: readonly string[];
  /** Globs on `measurement.field` to leave out (FIELDS_EXCLUDE), e.g. `network.*_dropped`. */
  readonly fieldsExclude?: readonly string[];
}

const globs = (patterns: readonly string[] | undefined): ((s: string) => boolean) | undefined =>
  patterns && patterns.length > 0 ? picomatch([...patterns], { dot: true }) : undefined;

/**
 * Whether a glob can match a name that starts with `prefix`: only if its literal head (up to its
 * first special character) and the prefix agree. A head that picomatch may rewrite (a leading
 * `!` or `.`) counts as a possible match, which is always safe: it only costs the per-field path.
 */
function mayMatchUnder(pattern: string, prefix: string): boolean {
  const head = pattern.slice(0, pattern.search(/[*?[\]{}()!+@\\|]|$/));
  if (head.startsWith('.') || pattern.startsWith('!')) return true;
  return head.startsWith(prefix) || prefix.startsWith(head);
}

export type Choose = (p: Point) => Point | undefined;

const dropAll: Choose = () => undefined;

/** Every field kept: the point as it is, unless it has none (a point with no fields is not written). */
const keepAll: Choose = (point) => {
  for (const _ in point.fields) return point;
  return undefined;
};

/** Some of a measurement's fields kept: decided per field name once, the fields rebuilt only when one is dropped. */
function perField(keep: (field: string) => boolean): Choose {
  const decided = new Map<string, boolean>();
  const kept = (field: string): boolean => {
    let yes = decided.get(field);
    if (yes === undefined) decided.set(field, (yes = keep(field)));
    return yes;
  };
  return (point) => {
    let some = false;
    let all = true;
    for (const field in point.fields) {
      if (kept(field)) some = true;
      else all = false;
    }
    if (!some) return undefined;
    if (all) return point;
    const fields: Fields = {};
    for (const field in point.fields) if (kept(field)) fields[field] = point.fields[field]!;
    return { ...point, fields };
  };
}

/**
 * Which fields of a point are written (globs on `measurement.field`), or undefined when everything
 * is. Decided once per measurement: one left out whole, or none of whose fields the globs can
 * touch, costs a lookup per point (its points pass as they are); only a measurement that the
 * field globs may cut is looked at field by field.
 */
export function fieldChooser(selection: FieldSelection): Choose | undefined {
  const measurement = globs(selection.measurements);
  const include = globs(selection.fields);
  const exclude = globs(selection.fieldsExclude);
  if (!measurement && !include && !exclude) return undefined;
  const touches = (patterns: readonly string[] | undefined, prefix: string): boolean =>
    !!patterns?.some((p) => mayMatchUnder(p, prefix));
  const plan = (name: string): Choose => {
    // As `measurement.field` is read: the measurement glob sees what comes before the first dot.
    if (measurement && !measurement(name.split('.', 1)[0]!)) return dropAll;
    const prefix = `${name}.`;
    const field = (f: string): boolean => (!include || include(prefix + f)) && !exclude?.(prefix + f);
    // A name that picomatch may normalize (slashes, a leading dot) is decided field by field.
    if (name === '' || /^\.|[/\\]/.test(name)) return perField(field);
    if (include && !touches(selection.fields, prefix)) return dropAll;
    if (!include && !touches(selection.fieldsExclude, prefix)) return keepAll;
    return perField(field);
  };
  const plans = new Map<string, Choose>();
  return (point) => {
    let choose = plans.get(point.measurement);
    if (!choose) plans.set(point.measurement, (choose = plan(point.measurement)));
    return choose(point);
  };
}

/**
 * Field selection (Telegraf's fieldpass / fielddrop): each point with only the fields chosen,
 * before line-protocol encoding, so that what is dropped costs nothing downstream; a point left
 * with no fields is not written. With no selection, the points pass as they are.
 *
 * ```
 * FIELDS=memory.usage_bytes
 * source: --c{usage_percent}--m{usage_bytes,limit_bytes}--|
 * result: ----------------------m{usage_bytes}------------|
 * ```
 */
export function selectFields(selection: FieldSelection): MonoTypeOperatorFunction<Point> {
  const choose = fieldChooser(selection);
  if (!choose) return identity;
  return (source) =>
    source.pipe(
      map(choose),
      filter((p): p is Point => p !== undefined),
    );
}

/** Whether a selection writes a field (`measurement.field`), e.g. to skip work for a measurement left out. */
export function writesField(selection: FieldSelection, name: string): boolean {
  const choose = fieldChooser(selection);
  const [measurement, field] = name.split('.') as [string, string];
  return !choose || choose({ measurement, tags: {}, fields: { [field]: 0 }, timestamp: '0' }) !== undefined;
}
