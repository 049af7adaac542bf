const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30 };

/**
 * Bytes from a number or a size string: `'50MB'` (decimal, 50 000 000), `'64MiB'`
 * (binary), `'1.5GB'`, `'1000'`. Undefined for anything else, so config can name the bad value.
 */
export function parseByteSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = UNITS[(m[2] || 'B').toUpperCase()];
  const bytes = unit === undefined ? Number.NaN : Math.floor(Number(m[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}
