import { lineProtocolBench } from './lineProtocol.bench.js';
import { pipelineBench } from './pipeline.bench.js';

/** `npm run bench`: prints figures; never part of `npm test`. */
async function main(): Promise<void> {
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  await lineProtocolBench();
  pipelineBench();
}

void main();
