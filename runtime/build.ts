/**
 * `npm run bundle:runtime`: bundles the production entrypoint (runtime/src/server.ts) with its
 * dependencies into dist/runtime/server.js, which the container runs with plain `node`.
 */
import { build } from 'esbuild';
import type { BuildResult } from 'esbuild';
import { join, resolve } from 'node:path';

export const ENTRYPOINT = resolve(__dirname, 'src/server.ts');
export const DEFAULT_OUTDIR = resolve(__dirname, '..', 'dist', 'runtime');

export async function bundleRuntime(outdir: string = DEFAULT_OUTDIR): Promise<{ outfile: string; result: BuildResult }> {
  const outfile = join(outdir, 'server.js');
  const result = await build({
    entryPoints: [ENTRYPOINT],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    // pg loads the native libpq binding only when asked to (`pg.native`), which we never do.
    external: ['pg-native'],
    // @node-rs/argon2 (password hashing) is a N-API addon: its prebuilt .node file for this
    // platform is copied beside server.js and required from there.
    loader: { '.node': 'copy' },
    metafile: true,
  });
  return { outfile, result };
}

if (require.main === module) {
  bundleRuntime().then(
    ({ outfile, result }) => {
      const bytes = Object.values(result.metafile?.outputs ?? {}).reduce((sum, o) => sum + o.bytes, 0);
      process.stdout.write(`bundled ${outfile} (${(bytes / 1024).toFixed(0)} KiB with maps)\n`);
    },
    (error: unknown) => {
      process.stderr.write(`bundle failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
