/**
 * Everything a browser test runs against, real and local: the test issuer standing in for
 * Cognito, the site built with a runtime config pointing at it, the API bundle as a process
 * serving that site (SITE_DIR) with authentication on, and Debian's Chromium.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { bundleSite } from '../../../stacks/build/bundle-site';
import { chromiumInstalled, CHROMIUM_PATH, launchChromium } from '../../../scripts/support/chromium';
import { ApiProcess, buildTestBundle, REPO_ROOT, spawnApi } from '../../api/support/api-process';
import { TestIssuer } from '../../support/test-issuer';

export const CLIENT_ID = 'web-test-client';
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');

export interface WebStack {
  readonly issuer: TestIssuer;
  readonly api: ApiProcess;
  /** The page's origin (the API serves it). */
  readonly url: string;
  readonly sqliteFile: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * Whether the browser tests can run here. Without Chromium they are skipped, loudly, except
 * under CI=true, where a missing browser is a failure (scripts/chromium.sh installs it).
 */
export function browserAvailable(): boolean {
  if (chromiumInstalled()) return true;
  const message = `no Chromium at ${CHROMIUM_PATH} (run scripts/chromium.sh, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`${message}: CI must run the browser tests`);
  process.stderr.write(`\n*** BROWSER TESTS SKIPPED: ${message} ***\n\n`);
  return false;
}

/** `env`: more settings for the API process (e.g. image generation against local servers). */
export async function startWebStack(name: string, env: Record<string, string> = {}): Promise<WebStack> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `tm-web-${name}-`));
  const issuer = await TestIssuer.start({ clientId: CLIENT_ID });
  const site = bundleSite(REPO_ROOT, {
    outDir: path.join(work, 'site'),
    // Pictures as the API offers them: only with a queue (as scripts/build-site.ts writes it for npm run api).
    runtimeConfig: { apiBase: '/api', auth: { issuer: issuer.url, clientId: CLIENT_ID, domain: issuer.url, scopes: ['openid', 'email'] }, images: Boolean(env.QUEUE_URL) },
  });
  const sqliteFile = path.join(work, 'tasks.sqlite');
  const api = spawnApi(
    buildTestBundle(`web-${name}`),
    { SQLITE_FILE: sqliteFile, SITE_DIR: site.outDir, AUTH_ISSUER: issuer.url, AUTH_CLIENT_ID: CLIENT_ID, ...env },
    work,
  );
  await api.waitForLine((l) => l.msg === 'listening');
  // The port the API picked (see spawnApi) is known only now: the page signs in from there.
  const url = api.url;
  issuer.redirectUris.push(`${url}/`);
  const browser = await launchChromium();
  return {
    issuer,
    api,
    url,
    sqliteFile,
    browser,
    async close() {
      await browser.close();
      api.child.kill('SIGTERM');
      await api.exited;
      await issuer.close();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Runs a test body; on failure saves a screenshot of the page to test-artifacts/ first. */
export function withScreenshot(name: string, page: () => Page | undefined, body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (error) {
      const current = page();
      if (current) {
        fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
        const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w-]+/g, '_').slice(0, 80)}.png`);
        await current.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        process.stderr.write(`screenshot of the failed test: ${file}\n`);
      }
      throw error;
    }
  };
}

const AXE_SOURCE = path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/** axe-core injected into the page: the violations of serious or critical impact. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: unknown[] }> }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
