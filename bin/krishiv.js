#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('krishiv: the CLI is not built yet; run `npm run build` in the project first\n');
  process.exit(2);
}
require(entry).main(process.argv);
