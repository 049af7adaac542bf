import type * as t from 'io-ts';

/**
 * One readable line per io-ts error: `Expecting number at cpu_stats.cpu_usage.total_usage but
 * got "x"`. The path keeps the record's own keys and leaves out io-ts's internal steps (the
 * numbered members of intersections and unions), which mean nothing to whoever reads the log.
 */
export function formatErrors(errors: t.Errors): string[] {
  return errors.map((error) => {
    const path: string[] = [];
    for (let i = 1; i < error.context.length; i++) {
      const { key } = error.context[i]!;
      const parent = error.context[i - 1]!.type as { _tag?: string };
      // intersection / union members are addressed by index: not a key of the record
      if (parent._tag === 'IntersectionType' || parent._tag === 'UnionType') continue;
      if (key !== '') path.push(key);
    }
    const expected = error.context.at(-1)?.type.name ?? 'a value';
    const at = path.length > 0 ? ` at ${path.join('.')}` : '';
    return `Expecting ${expected}${at} but got ${show(error.value)}`;
  });
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
