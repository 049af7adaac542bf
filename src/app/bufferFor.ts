/** Where main (src/main.ts) finds SpoolError until it imports it from sinksFor, which replaced bufferFor. */
export { SpoolError } from './sinksFor.js';
