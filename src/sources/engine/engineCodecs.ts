import * as t from 'io-ts';

/**
 * The parts of the engine's /events and /containers/json answers that discovery uses;
 * io-ts codecs are the single source of these types.
 */
export const EngineEvent = t.type({
  Type: t.string,
  Action: t.string,
  Actor: t.type({
    ID: t.string,
    Attributes: t.union([t.record(t.string, t.string), t.undefined, t.null]),
  }),
});
export type EngineEvent = t.TypeOf<typeof EngineEvent>;

export const ListedContainer = t.type({
  Id: t.string,
  Names: t.union([t.array(t.string), t.null]),
  Image: t.string,
  Labels: t.union([t.record(t.string, t.string), t.null]),
  State: t.string,
});
export type ListedContainer = t.TypeOf<typeof ListedContainer>;

export const stripSlash = (name: string): string => (name.startsWith('/') ? name.slice(1) : name);

/** The parts of `GET /containers/{id}/json` (inspect) that the sources use. */
export const InspectedContainer = t.type({
  Id: t.string,
  State: t.type({ Running: t.boolean, Pid: t.number }),
  HostConfig: t.partial({ NetworkMode: t.string }),
});
export type InspectedContainer = t.TypeOf<typeof InspectedContainer>;
