/** Names a block device from its numbers: `sda` via /sys/dev/block on the engine's host, else `8:0`. */
export type DeviceNamer = (major: number, minor: number) => string;

export const numericDevice: DeviceNamer = (major, minor) => `${major}:${minor}`;
