import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout line matching, rejects if the process exits first. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Runs a TypeScript entrypoint with tsx, or a built .js with plain node, with only `env` set. */
export function spawnEntrypoint(file: string, env: Record<string, string>): Spawned {
  const args = file.endsWith('.ts') ? ['--import', 'tsx', file] : [file];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    waiters.forEach((w) => w());
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(match, timeoutMs = 20_000) {
      return new Promise((done, fail) => {
        const check = () => {
          const line = out.split('\n').find((l) => l !== '' && match(l));
          if (line !== undefined) done(line);
        };
        waiters.push(check);
        check();
        const timer = setTimeout(() => fail(new Error(`timed out; stdout=${out} stderr=${err}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          fail(new Error(`exited with ${code} before the expected line; stdout=${out} stderr=${err}`));
        });
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
