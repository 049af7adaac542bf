import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { type AlertRule, alertRule } from './alertRule.js';
import { ConfigError } from './resolveConfig.js';

/** A rule file: `rules:`, a list of rules (YAML, or JSON, which YAML reads too). */
export const AlertRuleFile = t.strict({ rules: t.array(t.unknown) });

const ruleLabel = (raw: unknown, index: number, origin: string): string => {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() !== ''
    ? `alert rule ${JSON.stringify(name.trim())} (rule ${index + 1} in ${origin})`
    : `alert rule ${index + 1} in ${origin}`;
};

/** The rules of a parsed rule file, or the ConfigError naming the first wrong rule and what is wrong. */
export function decodeAlertRules(values: unknown, origin: string): Either<ConfigError, readonly AlertRule[]> {
  const shape = 'expected `rules:` and a list of rules, each with a name and a when';
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    return left(new ConfigError(`invalid alert rules in ${origin}: ${shape}`));
  const extra = Object.keys(values).filter((k) => k !== 'rules');
  if (extra.length > 0)
    return left(new ConfigError(`invalid alert rules in ${origin}: unknown key ${JSON.stringify(extra[0])}; ${shape}`));
  const file = AlertRuleFile.decode(values);
  if (isLeft(file)) return left(new ConfigError(`invalid alert rules in ${origin}: ${shape}`));
  const rules: AlertRule[] = [];
  const seen = new Map<string, number>();
  for (const [i, raw] of file.right.rules.entries()) {
    const decoded = alertRule.decode(raw);
    if (isLeft(decoded)) {
      const why = decoded.left.find((e) => e.message)?.message ?? `expected ${alertRule.name}`;
      return left(new ConfigError(`invalid ${ruleLabel(raw, i, origin)}: ${why}`));
    }
    const before = seen.get(decoded.right.name);
    if (before !== undefined)
      return left(
        new ConfigError(`invalid ${ruleLabel(raw, i, origin)}: name: rule ${before + 1} has this name already`),
      );
    seen.set(decoded.right.name, i);
    rules.push(decoded.right);
  }
  return right(rules);
}

/** Where a rule file does not parse: yaml's code, line and column, not its excerpt of the file. */
function parseFailure(error: Error): string {
  const { code, linePos } = error as Error & { code?: string; linePos?: { line: number; col: number }[] };
  return code !== undefined && linePos?.[0]
    ? `${code} at line ${linePos[0].line}, column ${linePos[0].col}`
    : error.message;
}

/** The rules of a rule file's text (YAML or JSON); `origin` names the file in errors. */
export function parseAlertRules(text: string, origin: string): Either<ConfigError, readonly AlertRule[]> {
  // yaml adds resident memory (docs/benchmarks.md, section 2): loaded only when there is a file to read.
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const doc = yaml.parseDocument(text, { logLevel: 'error' });
  if (doc.errors[0])
    return left(
      new ConfigError(`the alert rules file ${origin} is neither JSON nor YAML: ${parseFailure(doc.errors[0])}`),
    );
  let values: unknown;
  try {
    values = doc.toJS();
  } catch (error) {
    return left(
      new ConfigError(`the alert rules file ${origin} is neither JSON nor YAML: ${(error as Error).message}`),
    );
  }
  return decodeAlertRules(values ?? {}, origin);
}

/** Reads a rule file (ALERT_RULES) into its rules, or the ConfigError (exit 2) saying what is wrong. */
export function loadAlertRules(path: string): Either<ConfigError, readonly AlertRule[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return left(new ConfigError(`invalid config: ALERT_RULES=${JSON.stringify(path)}: cannot read it (${code})`));
  }
  return parseAlertRules(text, path);
}
