import * as t from 'io-ts';

/**
 * The parts of the engine's /events and /containers/json answers that discovery uses;
 * io-ts codecs are the single source of these types.
 */
export const EngineEvent = t.intersection([
  t.type({
    Type: t.string,
    Action: t.string,
    Actor: t.type({
      ID: t.string,
      Attributes: t.union([t.record(t.string, t.string), t.undefined, t.null]),
    }),
  }),
  /** When it happened, ns since the epoch (a JSON number: exact to a few hundred ns). */
  t.partial({ timeNano: t.number }),
]);
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

const orNull = <C extends t.Mixed>(codec: C) => t.union([codec, t.null, t.undefined]);

/** A container's healthcheck state, in inspect's `State.Health` (only with a healthcheck). */
const Health = t.type({ Status: t.string, FailingStreak: orNull(t.number) });

/**
 * The parts of `GET /containers/{id}/json` (inspect) that the sources use: the init pid and
 * network mode (cgroup source), the lifecycle (`container` measurement) and the CPU and memory limits.
 */
export const InspectedContainer = t.intersection([
  t.type({
    Id: t.string,
    State: t.intersection([
      t.type({ Running: t.boolean, Pid: t.number }),
      t.partial({
        Status: t.string,
        OOMKilled: t.boolean,
        ExitCode: t.number,
        StartedAt: t.string,
        FinishedAt: t.string,
        Health: orNull(Health),
      }),
    ]),
    HostConfig: t.partial({
      NetworkMode: t.string,
      NanoCpus: orNull(t.number),
      CpuQuota: orNull(t.number),
      CpuPeriod: orNull(t.number),
      CpusetCpus: orNull(t.string),
      Memory: orNull(t.number),
    }),
  }),
  t.partial({
    Name: orNull(t.string),
    RestartCount: orNull(t.number),
    Config: orNull(t.partial({ Image: t.string, Labels: orNull(t.record(t.string, t.string)) })),
  }),
]);
export type InspectedContainer = t.TypeOf<typeof InspectedContainer>;
