import type { FieldValue, Point } from '../model/point.js';
import type { FiringAlert } from './firingAlerts.js';
import { type Counter, GONE_AFTER_REFRESHES, type RowEntry, count, newEntry, noteSample, num } from './rowEntry.js';

/** One network interface of a container: its counters and their rates per second. */
export interface InterfaceRow {
  readonly name: string;
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxPerSec?: number;
  readonly txPerSec?: number;
  readonly errors?: number;
  readonly dropped?: number;
}

/** One block device of a container: its byte counters and their rates per second. */
export interface DeviceRow {
  readonly name: string;
  readonly readBytes?: number;
  readonly writeBytes?: number;
  readonly readPerSec?: number;
  readonly writePerSec?: number;
}

/** What `top` shows of one container: the latest of its points, rates from its counters. */
export interface ContainerRow {
  /** The engine's `host` tag and the container id: unique across engines. */
  readonly key: string;
  readonly host: string;
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state?: string;
  readonly health?: string;
  readonly exitCode?: number;
  readonly oomKilled?: boolean;
  readonly restarts?: number;
  readonly uptimeSeconds?: number;
  readonly cpuPercent?: number;
  readonly limitPercent?: number;
  readonly limitCpus?: number;
  readonly memUsed?: number;
  readonly memLimit?: number;
  readonly memPercent?: number;
  readonly pids?: number;
  readonly pidsLimit?: number;
  readonly netRxPerSec?: number;
  readonly netTxPerSec?: number;
  readonly blockReadPerSec?: number;
  readonly blockWritePerSec?: number;
  readonly interfaces: readonly InterfaceRow[];
  readonly devices: readonly DeviceRow[];
  /** The alerts firing on it, when `top` reads a daemon that alerts (`withAlerts`); none otherwise. */
  readonly alerts?: readonly FiringAlert[];
}

/** A field's number, set on `into` under `as` when the point has it. */
function copy(into: Record<string, unknown>, as: keyof ContainerRow, value: FieldValue | undefined): void {
  const n = num(value);
  if (n !== undefined) into[as] = n;
}

/**
 * Folds one point into the containers known so far (in place: the map is one subscription's).
 * `cpu`, `memory` and `container` points set the latest values; `network` and `blockio` points
 * feed counters whose rates are taken between two points of the same interface or device.
 */
export function foldPoint(known: Map<string, RowEntry>, point: Point): void {
  const id = point.tags.container_id;
  if (id === undefined) return;
  const key = `${point.tags.host ?? ''}/${id}`;
  let entry = known.get(key);
  if (!entry) known.set(key, (entry = newEntry(point, key)));
  entry.idle = 0;
  const f = point.fields;
  const { row } = entry;
  const at = Number(point.timestamp) / 1e9;
  noteSample(entry, point.measurement, at);
  const { usage } = entry;
  switch (point.measurement) {
    case 'cpu':
      copy(usage, 'cpuPercent', f.usage_percent);
      copy(usage, 'limitPercent', f.limit_percent);
      copy(row, 'limitCpus', f.limit_cpus);
      copy(usage, 'pids', f.pids_current);
      copy(row, 'pidsLimit', f.pids_limit);
      break;
    case 'memory':
      copy(usage, 'memUsed', f.usage_bytes);
      copy(row, 'memLimit', f.limit_bytes);
      copy(usage, 'memPercent', f.usage_percent);
      break;
    case 'container':
      if (typeof f.state === 'string') row.state = f.state;
      if (typeof f.health_status === 'string') row.health = f.health_status;
      copy(row, 'restarts', f.restart_count);
      // A status without an exit (running again after one) clears the last: it is not this run's.
      if (typeof f.oom_killed === 'boolean') row.oomKilled = f.oom_killed;
      else delete row.oomKilled;
      if (num(f.exit_code) !== undefined) copy(row, 'exitCode', f.exit_code);
      else delete row.exitCode;
      if (f.running === true) copy(row, 'uptimeSeconds', f.uptime_seconds);
      else delete row.uptimeSeconds;
      break;
    case 'network': {
      const name = point.tags.interface ?? '';
      count(entry, `rx:${name}`, f.rx_bytes, at);
      count(entry, `tx:${name}`, f.tx_bytes, at);
      const sum = (a?: FieldValue, b?: FieldValue): number | undefined =>
        num(a) === undefined && num(b) === undefined ? undefined : (num(a) ?? 0) + (num(b) ?? 0);
      const errors = sum(f.rx_errors, f.tx_errors);
      const dropped = sum(f.rx_dropped, f.tx_dropped);
      entry.interfaces.set(name, {
        at: Math.max(at, entry.interfaces.get(name)?.at ?? at),
        ...(errors !== undefined ? { errors } : {}),
        ...(dropped !== undefined ? { dropped } : {}),
      });
      break;
    }
    case 'blockio': {
      if (point.tags.device === undefined) break; // the container's io pressure, not a device
      const name = point.tags.device;
      count(entry, `read:${name}`, f.read_bytes, at);
      count(entry, `write:${name}`, f.write_bytes, at);
      entry.devices.set(name, Math.max(at, entry.devices.get(name) ?? at));
      break;
    }
  }
}

/** The sum of rates, or nothing when none is known yet. */
const total = (rates: readonly (number | undefined)[]): number | undefined =>
  rates.some((r) => r !== undefined) ? rates.reduce<number>((a, r) => a + (r ?? 0), 0) : undefined;

/**
 * A fresh, immutable row of an entry, with its interfaces and devices sorted by name: those of
 * its last stats sample alone, so that the totals are the sums of the rates of those there now;
 * none, nor any usage, once its stats have ended (`GONE_AFTER_REFRESHES`: it stopped).
 */
export function rowOf(entry: RowEntry): ContainerRow {
  const counter = (key: string): Counter | undefined => entry.counters.get(key);
  const recent = entry.statsIdle < GONE_AFTER_REFRESHES;
  const current = (at: number): boolean => recent && at >= entry.sampledAt;
  const interfaces = [...entry.interfaces.entries()]
    .filter(([, { at }]) => current(at))
    .map(([name, { at: _, ...extra }]): InterfaceRow => {
      const rx = counter(`rx:${name}`);
      const tx = counter(`tx:${name}`);
      return {
        name,
        rxBytes: rx?.value ?? 0,
        txBytes: tx?.value ?? 0,
        ...(rx?.perSec !== undefined ? { rxPerSec: rx.perSec } : {}),
        ...(tx?.perSec !== undefined ? { txPerSec: tx.perSec } : {}),
        ...extra,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const devices = [...entry.devices]
    .filter(([, at]) => current(at))
    .map(([name]): DeviceRow => {
      const read = counter(`read:${name}`);
      const write = counter(`write:${name}`);
      return {
        name,
        ...(read ? { readBytes: read.value } : {}),
        ...(write ? { writeBytes: write.value } : {}),
        ...(read?.perSec !== undefined ? { readPerSec: read.perSec } : {}),
        ...(write?.perSec !== undefined ? { writePerSec: write.perSec } : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const sums = {
    netRxPerSec: total(interfaces.map((i) => i.rxPerSec)),
    netTxPerSec: total(interfaces.map((i) => i.txPerSec)),
    blockReadPerSec: total(devices.map((d) => d.readPerSec)),
    blockWritePerSec: total(devices.map((d) => d.writePerSec)),
  };
  const defined = Object.fromEntries(Object.entries(sums).filter(([, v]) => v !== undefined));
  const row = entry.row as Omit<ContainerRow, 'interfaces' | 'devices'>;
  return { ...row, ...(recent ? entry.usage : {}), ...defined, interfaces, devices };
}
