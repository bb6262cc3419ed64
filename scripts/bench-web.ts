/**
 * `npm run bench:web`: the web page's two budgets, measured.
 *   1. JavaScript size: everything the page loads, gzipped (budget 100 KiB).
 *   2. First render of the task list: from navigation start to the first task on screen, in
 *      Debian's headless Chromium with an empty cache each time, against the API bundle on
 *      127.0.0.1 (embedded SQLite, 100 tasks, authentication off: the local zero-set-up mode),
 *      serving the built site (budget 1 s).
 * Prints the figures; exits 1 when a budget is missed. Bounded: RUNS page loads, nothing else.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { API_BASE_PATH } from '../api/contract/web';
import { bundleApi } from '../stacks/build/bundle-api';
import { bundleSite, SITE_JS_BUDGET_GZIP_BYTES } from '../stacks/build/bundle-site';
import { launchChromium } from './support/chromium';
import { freePort } from './support/free-port';
import { commandLineOrExit } from './support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 15);
const SEEDED_TASKS = 100;
const FIRST_RENDER_BUDGET_MS = 1000;

async function waitForReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the API did not become ready in 10 s');
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'chromium.sh')], { stdio: 'inherit' });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-web-'));
  const site = bundleSite(ROOT, { outDir: path.join(work, 'site'), runtimeConfig: { apiBase: API_BASE_PATH, auth: null } });
  const bundle = bundleApi('dist/bundles/api-bench-web/index.js', ROOT).outFile;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, [bundle], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', SQLITE_FILE: path.join(work, 'tasks.sqlite'), SITE_DIR: site.outDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const browser = await launchChromium();
  try {
    await waitForReady(url, api);
    for (let i = 1; i <= SEEDED_TASKS; i++) {
      await fetch(`${url}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: `Task ${i}`, description: 'Seeded by bench:web' }) });
    }
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // A new context each time: empty cache, no session, as a first visit.
      const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'commit' });
      await page.waitForSelector('.tasks .task', { timeout: 10_000 });
      times.push(await page.evaluate(() => performance.now()));
      await context.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const kib = (site.jsGzipBytes / 1024).toFixed(1);
    console.log(`bench:web: ${RUNS} cold page loads, ${SEEDED_TASKS} tasks (10 shown), ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
    console.log(`  JavaScript, gzipped      ${kib} KiB   (budget ${SITE_JS_BUDGET_GZIP_BYTES / 1024} KiB)`);
    console.log(`  first render of the list  median ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms   (budget ${FIRST_RENDER_BUDGET_MS} ms)`);
    const over = site.jsGzipBytes > SITE_JS_BUDGET_GZIP_BYTES || percentile(sorted, 95) > FIRST_RENDER_BUDGET_MS;
    console.log(over ? '  OVER BUDGET' : '  within budget');
    process.exitCode = over ? 1 : 0;
  } finally {
    await browser.close();
    api.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const COMMAND = {
  invocation: 'npm run bench:web --',
  summary: 'The web page\'s two budgets, measured: its JavaScript (gzipped, 100 KiB) and the first render of the task list in\nheadless Chromium (1 s).',
  flags: {},
} as const;

commandLineOrExit(COMMAND);
main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
