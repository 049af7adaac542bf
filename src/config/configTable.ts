import { configKeys, keySpec } from './keys.js';

/** A default as the README's table shows it: `value`, or unset. */
export function shownDefault(value: unknown): string {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return 'unset';
  return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The README's configuration table, made from the key table (a test keeps the README's copy equal). */
export function configTable(): string {
  const rows = configKeys().map((key) => {
    const spec = keySpec(key);
    const fallback = spec.derived ? `${shownDefault(spec.default)} (${spec.derived.doc})` : shownDefault(spec.default);
    return `| \`${key}\` | \`${spec.env}\` | \`${spec.flag}\` | ${fallback} | ${cell(spec.doc)} |`;
  });
  return ['| file key | environment | flag | default | meaning |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
