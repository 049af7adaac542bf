import picomatch from 'picomatch';
import type { ContainerSelection } from '../config/alertRule.js';
import type { ContainerRef } from '../model/container.js';
import { labelMatcher } from '../sources/engine/filters.js';
import { imageName } from '../transform/containerTags.js';

type Match = (container: ContainerRef) => boolean;

const globs = (patterns: readonly string[]): ((s: string) => boolean) => picomatch([...patterns], { dot: true });

/**
 * A rule's `containers` compiled once into a predicate: name, image (without digest) and label
 * globs as the filters take them; each include list, when given, must match, and no exclude list.
 */
export function containerSelector(selection: ContainerSelection): Match {
  const tests: Match[] = [];
  const add = (patterns: readonly string[], include: boolean, test: (p: readonly string[]) => Match): void => {
    if (patterns.length === 0) return;
    const match = test(patterns);
    tests.push(include ? match : (c) => !match(c));
  };
  const byName = (p: readonly string[]): Match => {
    const g = globs(p);
    return (c) => g(c.name);
  };
  const byImage = (p: readonly string[]): Match => {
    const g = globs(p);
    return (c) => g(imageName(c.image));
  };
  const byLabel = (p: readonly string[]): Match => {
    const m = labelMatcher(p);
    return (c) => m({ labels: c.labels });
  };
  add(selection.names, true, byName);
  add(selection.excludeNames, false, byName);
  add(selection.images, true, byImage);
  add(selection.excludeImages, false, byImage);
  add(selection.labels, true, byLabel);
  add(selection.excludeLabels, false, byLabel);
  return (c) => tests.every((test) => test(c));
}
