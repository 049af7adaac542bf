import type { Document, Node } from 'yaml';

/** The yaml functions this needs: passed in, as yaml is loaded only when there is a file to read. */
export interface YamlTests {
  readonly isMap: typeof import('yaml').isMap;
  readonly isScalar: typeof import('yaml').isScalar;
  readonly isAlias: typeof import('yaml').isAlias;
  readonly visit: typeof import('yaml').visit;
}

/** Where a secret key of a config file was given through an anchor or alias. */
export interface SecretAlias {
  readonly key: string;
  readonly line: number;
  readonly column: number;
}

/** An anchor (`&name`) on the node or in it, or an alias (`*name`) as or in it. */
function sharesNodes(value: Node, yaml: YamlTests): boolean {
  let shared = false;
  yaml.visit(value, (_, node) => {
    if (yaml.isAlias(node) || (node as { anchor?: string }).anchor !== undefined) {
      shared = true;
      return yaml.visit.BREAK;
    }
    return undefined;
  });
  return shared || (value as { anchor?: string }).anchor !== undefined;
}

/**
 * The first secret key whose value is, or holds, a YAML anchor or alias, or undefined. Such a
 * value is the same node as another key's: an alias of a token under `batchSize` would make that
 * key's error (or --print-config) show the token, which is masked only under its own key.
 * The place is the key's: the value itself, or an anchor's name, may be the secret.
 */
export function secretAlias(
  doc: Document,
  secrets: ReadonlySet<string>,
  text: string,
  yaml: YamlTests,
): SecretAlias | undefined {
  if (!yaml.isMap(doc.contents)) return undefined;
  for (const pair of doc.contents.items) {
    const { key, value } = pair;
    if (!yaml.isScalar(key) || !secrets.has(String(key.value)) || value === null || value === undefined) continue;
    if (!sharesNodes(value as Node, yaml)) continue;
    const offset = key.range?.[0] ?? 0;
    const before = text.slice(0, offset);
    return { key: String(key.value), line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
  }
  return undefined;
}
