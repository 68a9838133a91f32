import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** taskset (util-linux) pins a process to a core; without it the figures are unpinned. */
export function hasTaskset(): boolean {
  return spawnSync('taskset', ['--version']).status === 0;
}

/** Starts `node [--import tsx] file args` on `core` (when pinning is available). */
export function spawnNode(file: string, args: string[], options: { core?: number; env?: NodeJS.ProcessEnv }): ChildProcess {
  const nodeArgs = [...(file.endsWith('.ts') ? ['--import', 'tsx'] : []), file, ...args];
  const [command, argv] =
    options.core === undefined ? [process.execPath, nodeArgs] : ['taskset', ['-c', String(options.core), process.execPath, ...nodeArgs]];
  // taskset execs node, so the child's pid is the node process itself.
  return spawn(command, argv, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The first stdout line for which `parse` returns a value. */
export function firstLine<T>(child: ChildProcess, parse: (line: string) => T | undefined, timeoutMs = 60_000): Promise<T> {
  return new Promise((done, fail) => {
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`no expected output within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      buffer += c.toString();
      for (const line of buffer.split('\n').slice(0, -1)) {
        const value = parse(line);
        if (value !== undefined) {
          clearTimeout(timer);
          done(value);
          return;
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`process exited with ${code}; stderr: ${stderr}`));
    });
  });
}

export async function runToJson<T>(child: ChildProcess): Promise<T> {
  return firstLine(child, (line) => (line.startsWith('{') ? (JSON.parse(line) as T) : undefined), 120_000);
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
