/**
 * `npm run bundle:runtime`: bundles the two production entrypoints with their dependencies into
 * dist/runtime/, which the container runs with plain `node`: the identity runtime
 * (runtime/src/server.ts → server.js) and the audit writer (runtime/src/audit-writer/main.ts →
 * audit-writer.js, issue 13 §6). One image, two Deployments, each naming its file.
 */
import { build } from 'esbuild';
import type { BuildResult } from 'esbuild';
import { join, resolve } from 'node:path';

export const ENTRYPOINT = resolve(__dirname, 'src/server.ts');
export const AUDIT_WRITER_ENTRYPOINT = resolve(__dirname, 'src/audit-writer/main.ts');
export const DEFAULT_OUTDIR = resolve(__dirname, '..', 'dist', 'runtime');

export async function bundleRuntime(outdir: string = DEFAULT_OUTDIR): Promise<{ outfile: string; auditWriterOutfile: string; result: BuildResult }> {
  const outfile = join(outdir, 'server.js');
  const auditWriterOutfile = join(outdir, 'audit-writer.js');
  const result = await build({
    // Two bundles (no code splitting: CommonJS output cannot share chunks), named by `out`.
    entryPoints: [
      { in: ENTRYPOINT, out: 'server' },
      { in: AUDIT_WRITER_ENTRYPOINT, out: 'audit-writer' },
    ],
    outdir,
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
  return { outfile, auditWriterOutfile, result };
}

if (require.main === module) {
  bundleRuntime().then(
    ({ outfile, auditWriterOutfile, result }) => {
      const bytes = Object.values(result.metafile?.outputs ?? {}).reduce((sum, o) => sum + o.bytes, 0);
      process.stdout.write(`bundled ${outfile} and ${auditWriterOutfile} (${(bytes / 1024).toFixed(0)} KiB with maps)\n`);
    },
    (error: unknown) => {
      process.stderr.write(`bundle failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
