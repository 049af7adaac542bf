// npm run docs:config: writes the README's configuration table from the key table
// (src/config/keys.ts), between <!-- config-table --> and <!-- /config-table -->.
import { readFileSync, writeFileSync } from 'node:fs';
import { configTable } from '../dist/src/config/configTable.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const block = /<!-- config-table -->\n[\s\S]*?\n<!-- \/config-table -->/;
if (!block.test(readme)) throw new Error('README.md has no <!-- config-table --> ... <!-- /config-table --> block');
writeFileSync(path, readme.replace(block, `<!-- config-table -->\n${configTable()}\n<!-- /config-table -->`));
