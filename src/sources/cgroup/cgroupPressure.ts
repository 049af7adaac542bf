import type { PressureSample, PressureSamples } from '../../model/containerSample.js';
import { parsePressure } from './cgroupText.js';
import type { ContainerFiles } from './containerFiles.js';

/**
 * A container's PSI totals, from the `cpu.pressure`, `memory.pressure` and `io.pressure` files of
 * its v2 directory (`dir`: the cgroup's on v2, the unified hierarchy's on a hybrid v1 host), kept
 * open and read at every sample like its other counters: totals move at every tick. The kernel
 * makes the three in every non-root v2 cgroup, with or without its controllers. A file that
 * cannot be read or does not parse leaves out its own resource alone, and no file at all leaves
 * out `pressure`: no PSI is no field, never a 0, and never a failed sample.
 */
export function readPressure(dir: string | undefined, f: ContainerFiles): PressureSamples | undefined {
  if (dir === undefined) return undefined;
  const cpu = pressureOf(f, dir, 'cpu.pressure');
  const memory = pressureOf(f, dir, 'memory.pressure');
  const io = pressureOf(f, dir, 'io.pressure');
  if (!cpu && !memory && !io) return undefined;
  const out: { cpu?: PressureSample; memory?: PressureSample; io?: PressureSample } = {};
  if (cpu) out.cpu = cpu;
  if (memory) out.memory = memory;
  if (io) out.io = io;
  return out;
}

function pressureOf(f: ContainerFiles, dir: string, name: string): PressureSample | undefined {
  const text = f.extraText(dir, name);
  return text === undefined ? undefined : parsePressure(text);
}
