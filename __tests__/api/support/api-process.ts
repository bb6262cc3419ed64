import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { bundleApi } from '../../../stacks/build/bundle-api';
import { TIME_LIMITS } from '../../support/time-limits';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Builds the deployable bundle once per test file, inside the repository (dist/) so that the
 * native better-sqlite3 it leaves external resolves from node_modules, as it does on a machine
 * that ran `npm ci`.
 */
export function buildTestBundle(name: string): string {
  const outFile = path.join(REPO_ROOT, 'dist', 'test-bundles', `${name}-${process.pid}`, 'index.js');
  bundleApi(outFile, REPO_ROOT);
  return outFile;
}


export interface ApiProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port>, known once the process has logged `listening` (wait for that line first). */
  readonly url: string;
  /** Parsed JSON lines the process wrote to stdout so far. */
  lines(): Array<Record<string, unknown>>;
  stderr(): string;
  waitForLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Runs `node <bundle>` like systemd does: a clean environment plus the given settings. With no
 * PORT the process listens on a port the OS picks (PORT=0) and `url` is read from its `listening`
 * line: a port chosen beforehand could be taken by another test run in between.
 */
export function spawnApi(bundle: string, env: Record<string, string>, cwd: string): ApiProcess {
  const child = spawn(process.execPath, [bundle], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', IMDS_ENDPOINT: 'http://127.0.0.1:9', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    waiters.forEach((w) => w());
  });
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  // 'close', not 'exit': the process may have exited with its last lines still in the pipe.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const lines = (): Array<Record<string, unknown>> =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    child,
    get url(): string {
      const port = env.PORT && env.PORT !== '0' ? env.PORT : lines().find((l) => l.msg === 'listening')?.port;
      if (port === undefined) throw new Error('the API has not logged its listening line yet: wait for it before asking for its url');
      return `http://127.0.0.1:${String(port)}`;
    },
    lines,
    stderr: () => err,
    exited,
    waitForLine(predicate, timeoutMs = TIME_LIMITS.event) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = lines().find(predicate);
          if (found) resolve(found);
          return Boolean(found);
        };
        if (check()) return;
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; got:\n${out}\n${err}`)), timeoutMs);
        waiters.push(() => check() && clearTimeout(timer));
        void exited.then(() => check() || reject(new Error(`process exited; output:\n${out}\n${err}`)));
      });
    },
  };
}
