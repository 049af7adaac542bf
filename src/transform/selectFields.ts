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
 * Which fields of a point are written: a function of `measurement.field`, decided once per name
 * (the globs run only for names not seen before), or undefined when everything is.
 */
export function fieldChooser(selection: FieldSelection): ((p: Point) => Point | undefined) | undefined {
  const measurement = globs(selection.measurements);
  const include = globs(selection.fields);
  const exclude = globs(selection.fieldsExclude);
  if (!measurement && !include && !exclude) return undefined;
  const decided = new Map<string, boolean>();
  const keep = (name: string): boolean => {
    let yes = decided.get(name);
    if (yes === undefined) {
      const m = name.slice(0, name.indexOf('.'));
      yes = (!measurement || measurement(m)) && (!include || include(name)) && !exclude?.(name);
      decided.set(name, yes);
    }
    return yes;
  };
  return (point) => {
    let kept: Fields | undefined;
    let dropped = false;
    for (const [field, value] of Object.entries(point.fields)) {
      if (keep(`${point.measurement}.${field}`)) (kept ??= {})[field] = value;
      else dropped = true;
    }
    if (!kept) return undefined;
    return dropped ? { ...point, fields: kept } : point;
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
