#!/usr/bin/env node
// The `brandstack` bin: the CLI is TypeScript (lib/pipeline/checks/cli.ts), run through tsx, a runtime dependency.
require('tsx/cjs');
require('../lib/pipeline/checks/cli.ts').run();
