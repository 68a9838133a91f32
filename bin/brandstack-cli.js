#!/usr/bin/env node
// The `brandstack` bin: the CLI is TypeScript (lib/verify/cli.ts), run through tsx, a runtime dependency.
require('tsx/cjs');
require('../lib/verify/cli.ts').run();
