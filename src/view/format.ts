/** How the view writes numbers: short, fixed-width friendly, `-` when unknown. */

export const NONE = '-';

/** 0.05%, 55.3%, 199%. */
export const percent = (v: number | undefined): string =>
  v === undefined ? NONE : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}%`;

function scaled(v: number, base: number, units: readonly string[]): string {
  let i = 0;
  while (Math.abs(v) >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return `${i === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}${units[i]}`;
}

/** Memory, in powers of 1024 as `docker stats` writes it: 812KiB, 12.3MiB, 1.95GiB. */
export const bytes = (v: number | undefined): string =>
  v === undefined ? NONE : scaled(v, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']);

/** Network and block I/O, in powers of 1000 as `docker stats` writes them: 512B, 1.23kB, 45.6MB. */
export const decimalBytes = (v: number | undefined): string =>
  v === undefined ? NONE : scaled(v, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB']);

/** 45s, 12m30s, 3h12m, 5d3h. */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return NONE;
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

export const integer = (v: number | undefined): string => (v === undefined ? NONE : String(Math.round(v)));
