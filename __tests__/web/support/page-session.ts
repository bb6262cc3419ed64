/**
 * What the page's browser tests share: one web stack per test file, a fresh browser profile per
 * test (closed after it), no tasks at the start of each test, and the steps a user takes (sign in,
 * find a task, read the list).
 */
import knexFactory, { Knex } from 'knex';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { TIME_LIMITS } from '../../support/time-limits';
import { startWebStack, WebStack, withScreenshot } from './web-harness';

export interface PageSession {
  /** A test, with a screenshot in test-artifacts/ when it fails. */
  test(name: string, body: () => Promise<void>): void;
  /** The API's SQLite database, as the test sees it: `db('tasks')`. */
  db(table: string): Knex.QueryBuilder;
  /** A fresh browser profile at the page, signed out. */
  openPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Signs in through the test issuer's hosted login form and waits for the list. */
  signIn(target: Page, user: string): Promise<void>;
  signedInAs(user: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Tasks made through the API with the user's own token, as another device of theirs would. */
  seed(user: string, titles: string[]): Promise<void>;
}

/** Registers the hooks in the calling `describe`; `name` names the stack's work folder and bundle. */
export function pageSession(name: string): PageSession {
  let stack: WebStack;
  let knex: Knex;
  let context: BrowserContext | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    stack = await startWebStack(name);
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: stack.sqliteFile }, useNullAsDefault: true });
  });
  afterAll(async () => {
    await knex?.destroy();
    await stack?.close();
  });
  beforeEach(async () => {
    await knex('tasks').del();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    page = undefined;
  });

  const session: PageSession = {
    test: (testName, body) => it(testName, withScreenshot(testName, () => page, body)),
    db: (table) => knex(table),
    async openPage(viewport = { width: 1000, height: 800 }) {
      context = await stack.browser.newContext({ viewport });
      page = await context.newPage();
      await page.goto(stack.url);
      return page;
    },
    async signIn(target, user) {
      await target.getByRole('button', { name: 'Sign in' }).click();
      await target.getByLabel('User name').fill(user);
      await target.getByRole('button', { name: 'Sign in' }).click();
      await target.getByRole('heading', { name: 'Your tasks' }).waitFor();
    },
    async signedInAs(user, viewport) {
      const target = await session.openPage(viewport);
      await session.signIn(target, user);
      return target;
    },
    async seed(user, titles) {
      const token = await stack.issuer.sign(stack.issuer.accessClaims(user));
      for (const title of titles) {
        const res = await fetch(`${stack.url}/api/tasks`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
        expect(res.status).toBe(201);
      }
    },
  };
  return session;
}

/** The list item of the task with this title. */
export const item = (target: Page, title: string): Locator => target.locator('li.task', { has: target.getByRole('heading', { name: title, exact: true }) });

/** Whether the focus lands on this element (Preact moves it after rendering, so it is waited for). */
export async function focusLandsOn(target: Page, element: Locator): Promise<boolean> {
  const handle = await element.elementHandle();
  return target
    .waitForFunction((el) => document.activeElement === el, handle, { timeout: TIME_LIMITS.event })
    .then(() => true, () => false);
}

/** The listed titles, once they are the expected ones (or after TIME_LIMITS.event, whatever they are then). */
export async function listed(target: Page, expected: string[]): Promise<string[]> {
  await target
    .waitForFunction((want) => JSON.stringify(Array.from(document.querySelectorAll('.tasks h3'), (h) => h.textContent)) === JSON.stringify(want), expected, { timeout: TIME_LIMITS.event })
    .catch(() => undefined);
  return target.locator('.tasks h3').allTextContents();
}
