import picomatch from 'picomatch';

/** Glob filters choosing which containers are watched. Empty include lists include everything. */
export interface ContainerFilters {
  readonly includeNames?: readonly string[];
  readonly excludeNames?: readonly string[];
  /** Container states (`running`, `paused`, ...); default: include `running` only. */
  readonly includeStates?: readonly string[];
  readonly excludeStates?: readonly string[];
  /** `key=value` globs (`app=web-*`), or a bare key glob that matches any value (`monitor`). */
  readonly includeLabels?: readonly string[];
  readonly excludeLabels?: readonly string[];
}

export interface FilterSubject {
  readonly name: string;
  readonly state: string;
  readonly labels: Readonly<Record<string, string>>;
}

type Match = (subject: FilterSubject) => boolean;

const globs = (patterns: readonly string[]): ((s: string) => boolean) => picomatch([...patterns], { dot: true });

/** Label globs: `key=value` globs match a label, a bare key glob a label of any value. */
export function labelMatcher(patterns: readonly string[]): (subject: Pick<FilterSubject, 'labels'>) => boolean {
  const pairs = globs(patterns.filter((p) => p.includes('=')));
  const keys = globs(patterns.filter((p) => !p.includes('=')));
  return ({ labels }) => Object.entries(labels).some(([k, v]) => pairs(`${k}=${v}`) || keys(k));
}

/** Compiles the filters once into a predicate (picomatch compiles each glob to a RegExp). */
export function containerMatcher(filters: ContainerFilters = {}): Match {
  const tests: Match[] = [];
  const include = (patterns: readonly string[] | undefined, match: (p: readonly string[]) => Match): void => {
    if (patterns && patterns.length > 0) tests.push(match(patterns));
  };
  const exclude = (patterns: readonly string[] | undefined, match: (p: readonly string[]) => Match): void => {
    if (patterns && patterns.length > 0) {
      const m = match(patterns);
      tests.push((s) => !m(s));
    }
  };
  const byName = (p: readonly string[]): Match => {
    const g = globs(p);
    return (s) => g(s.name);
  };
  const byState = (p: readonly string[]): Match => {
    const g = globs(p);
    return (s) => g(s.state);
  };
  include(filters.includeNames, byName);
  exclude(filters.excludeNames, byName);
  include(filters.includeStates ?? ['running'], byState);
  exclude(filters.excludeStates, byState);
  include(filters.includeLabels, labelMatcher);
  exclude(filters.excludeLabels, labelMatcher);
  return (subject) => tests.every((test) => test(subject));
}
