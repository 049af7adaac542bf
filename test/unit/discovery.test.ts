import { isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  type DiscoveryEvent,
  type DiscoveryInput,
  type Watchlist,
  discoveryReducer,
} from '../../src/sources/engine/discovery.js';
import { decodeEvent, withPodmanNames } from '../../src/sources/engine/containers.js';
import { EngineEvent, ListedContainer } from '../../src/sources/engine/engineCodecs.js';
import type { ContainerFilters } from '../../src/sources/engine/filters.js';
import { fixture, fixtureLines } from '../support/fixtures.js';

const decode = <A>(codec: { decode(u: unknown): import('fp-ts/lib/Either.js').Either<unknown, A> }, u: unknown): A => {
  const result = codec.decode(u);
  if (!isRight(result)) throw new Error(`fixture does not decode: ${JSON.stringify(u).slice(0, 80)}`);
  return result.right;
};

const listing: DiscoveryInput = {
  kind: 'listed',
  containers: (JSON.parse(fixture('containers-list.json')) as unknown[]).map((c) => decode(ListedContainer, c)),
};
const recordedEvents: DiscoveryInput[] = fixtureLines('events.ndjson').map((l) => ({
  kind: 'event',
  event: decode(EngineEvent, JSON.parse(l)),
}));

function run(inputs: DiscoveryInput[], filters?: ContainerFilters): { watched: Watchlist; out: DiscoveryEvent[] } {
  const reduce = discoveryReducer(filters);
  let watched: Watchlist = new Map();
  const out: DiscoveryEvent[] = [];
  for (const input of inputs) {
    const step = reduce(watched, input);
    watched = step.watchlist;
    out.push(...step.out);
  }
  return { watched, out };
}

const summary = (out: DiscoveryEvent[]): string[] =>
  out.map((e) =>
    e.kind === 'synced'
      ? `synced ${e.watched}`
      : e.kind === 'removed'
        ? `removed ${e.id.slice(0, 12)} (${e.action})`
        : `${e.kind} ${e.container.name}`,
  );

describe('discovery state machine, driven by recorded engine events', () => {
  it('adds the listed running containers, then follows the recorded starts and dies', () => {
    const { watched, out } = run([listing, ...recordedEvents]);
    expect(summary(out)).toEqual([
      'added s-100',
      'added s-99',
      'added s-98',
      'synced 3',
      'added s-3',
      'added tmp-ev',
      'removed 43b25f1d2b43 (die)',
    ]);
    expect([...watched.values()].map((c) => c.name).sort()).toEqual(['s-100', 's-3', 's-98', 's-99']);
    const added = out.find((e) => e.kind === 'added' && e.container.name === 'tmp-ev');
    expect(added).toMatchObject({
      container: {
        id: '43b25f1d2b431163b99af42c2a1232a96774d757edcb2d1038a74278786369a5',
        image: 'local/busybox',
        labels: {},
      },
    });
  });

  it('ignores a start seen in the listing and again in the events buffered while listing', () => {
    const { out: first } = run([listing, ...recordedEvents]);
    const { out: again } = run([listing, ...recordedEvents, ...recordedEvents.slice(0, 1)]);
    expect(summary(again)).toEqual(summary(first));
  });

  it('applies name globs to the listing and to events', () => {
    const { out } = run([listing, ...recordedEvents], { excludeNames: ['s-*'] });
    expect(summary(out)).toEqual(['synced 0', 'added tmp-ev', 'removed 43b25f1d2b43 (die)']);
    expect(summary(run([listing, ...recordedEvents], { includeNames: ['s-9?'] }).out)).toEqual([
      'added s-99',
      'added s-98',
      'synced 2',
    ]);
  });

  it('takes labels from event attributes, leaving out the engine attributes, and filters on them', () => {
    const start: DiscoveryInput = {
      kind: 'event',
      event: {
        Type: 'container',
        Action: 'start',
        Actor: {
          ID: 'a'.repeat(64),
          Attributes: { name: 'web', image: 'nginx', 'com.acme.team': 'core', exitCode: '0' },
        },
      },
    };
    expect(run([listing, start], { includeLabels: ['com.acme.team=co*'] }).out.at(-1)).toEqual({
      kind: 'added',
      container: { id: 'a'.repeat(64), name: 'web', image: 'nginx', labels: { 'com.acme.team': 'core' } },
    });
    expect(run([listing, start], { includeLabels: ['com.acme.team=ops'] }).out.map((e) => e.kind)).toEqual(['synced']);
    expect(run([listing, start], { excludeLabels: ['com.acme.*'] }).out.filter((e) => e.kind === 'added')).toHaveLength(
      3,
    );
    expect(run([listing, start], { includeLabels: ['com.acme.team'] }).out.at(-1)).toMatchObject({ kind: 'added' });
  });

  it('renames a watched container, drops it when its new name is excluded, and ignores unknown deaths', () => {
    const id = JSON.parse(fixture('containers-list.json'))[2].Id as string; // s-98
    const rename = (name: string): DiscoveryInput => ({
      kind: 'event',
      event: {
        Type: 'container',
        Action: 'rename',
        Actor: { ID: id, Attributes: { name, oldName: '/s-98', image: 'local/busybox' } },
      },
    });
    const destroyUnknown: DiscoveryInput = {
      kind: 'event',
      event: { Type: 'container', Action: 'destroy', Actor: { ID: 'f'.repeat(64), Attributes: {} } },
    };
    const { out } = run([listing, rename('web-1'), destroyUnknown, rename('tmp-2')], { excludeNames: ['tmp-*'] });
    expect(summary(out).slice(3)).toEqual(['synced 3', 'renamed web-1', `removed ${id.slice(0, 12)} (rename)`]);
  });

  it('watches only running containers by default, and other states when asked', () => {
    const exited = {
      ...listing,
      containers:
        listing.kind === 'listed'
          ? listing.containers.map((c, i) => ({ ...c, State: i === 0 ? 'exited' : c.State }))
          : [],
    };
    expect(summary(run([exited as DiscoveryInput]).out)).toEqual(['added s-99', 'added s-98', 'synced 2']);
    expect(
      run([exited as DiscoveryInput], { includeStates: ['*'] }).out.filter((e) => e.kind === 'added'),
    ).toHaveLength(3);
  });
});

describe('discovery: a listing again, after events that came late (some dropped by the engine)', () => {
  const relisted = (states: Record<string, string | undefined>): DiscoveryInput => ({
    kind: 'listed',
    containers:
      listing.kind === 'listed'
        ? listing.containers.flatMap((c) => {
            const name = c.Names?.[0]?.slice(1) ?? '';
            const state = name in states ? states[name] : c.State;
            return state === undefined ? [] : [{ ...c, State: state }];
          })
        : [],
  });

  it('ends the watch of containers it shows ended or does not show, keeps the paused, adds the new', () => {
    const before = run([listing]);
    const step = discoveryReducer()(
      before.watched,
      relisted({ 's-100': 'exited', 's-99': undefined, 's-98': 'paused' }),
    );
    expect(summary([...step.out])).toEqual([
      `removed ${[...before.watched.keys()][0]!.slice(0, 12)} (listing)`,
      `removed ${[...before.watched.keys()][1]!.slice(0, 12)} (listing)`,
      'synced 1',
    ]);
    expect([...step.watchlist.values()].map((c) => c.name)).toEqual(['s-98']);
    const again = discoveryReducer()(new Map(), relisted({}));
    expect(summary([...again.out])).toEqual(['added s-100', 'added s-99', 'added s-98', 'synced 3']);
  });

  it('keeps the exited containers the state filter includes, without opening them again', () => {
    const filters = { includeStates: ['*'] };
    const before = run([relisted({ 's-100': 'exited' })], filters);
    const step = discoveryReducer(filters)(before.watched, relisted({ 's-100': 'exited' }));
    expect(summary([...step.out])).toEqual(['synced 3']);
  });
});

describe('discovery: a listing again that shows a paused container under another name', () => {
  it('keeps watching it under the new name (its rename was dropped), as the rename event would', () => {
    const before = run([listing]);
    const [id, watched] = [...before.watched.entries()][0]!;
    const relisting: DiscoveryInput = {
      kind: 'listed',
      containers:
        listing.kind === 'listed'
          ? listing.containers.map((c) => (c.Id === id ? { ...c, State: 'paused', Names: ['/renamed'] } : c))
          : [],
    };
    const step = discoveryReducer()(before.watched, relisting);
    expect(summary([...step.out]).filter((s) => !s.startsWith('synced'))).toEqual(['renamed renamed']);
    expect(step.watchlist.get(id)?.name).toBe('renamed');
    expect(watched.name).not.toBe('renamed');
  });
});

describe('Podman’s event names', () => {
  it('asks for Podman’s names of die and destroy beside Docker’s, and reads its `remove` as destroy', () => {
    expect(withPodmanNames(['start', 'die', 'destroy', 'rename'])).toEqual([
      'start',
      'die',
      'died',
      'destroy',
      'remove',
      'rename',
    ]);
    const line = (action: string, type = 'container') =>
      JSON.stringify({ Type: type, Action: action, Actor: { ID: 'c1', Attributes: { name: 'web' } }, timeNano: 1 });
    expect(decodeEvent(line('remove')).map((e) => e.Action)).toEqual(['destroy']);
    expect(decodeEvent(line('die')).map((e) => e.Action)).toEqual(['die']);
    expect(decodeEvent(line('remove', 'image')).map((e) => e.Action)).toEqual(['remove']);
    expect(decodeEvent('not json')).toEqual([]);
  });
});
