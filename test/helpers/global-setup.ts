import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** One synth cache per jest run, shared by all workers (they inherit the environment). */
export default function globalSetup(): void {
  process.env.BRANDSTACK_SYNTH_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-synth-'));
}
