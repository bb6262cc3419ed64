/**
 * The web page in Debian's Chromium, against the API bundle as a process (serving the built site,
 * authentication on) and the local test issuer standing in for Cognito's hosted UI.
 */
import * as fs from 'fs';
import * as path from 'path';
import knexFactory, { Knex } from 'knex';
import type { BrowserContext, Locator, Page, Request } from 'playwright-core';
import { REPO_ROOT } from '../api/support/api-process';
import { ARTIFACTS_DIR, browserAvailable, seriousAccessibilityViolations, startWebStack, WebStack, withScreenshot } from './support/web-harness';
import { TIME_LIMITS } from '../support/time-limits';
import { eventually } from '../support/eventually';
import { UNDO_MS } from '../../api/web/deferred-delete';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser('the web page', () => {
  let stack: WebStack;
  let db: Knex;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const current = (): Page | undefined => page;
  /** A test, with a screenshot in test-artifacts/ when it fails. */
  const test = (name: string, body: () => Promise<void>) => it(name, withScreenshot(name, current, body));

  beforeAll(async () => {
    stack = await startWebStack('page');
    db = knexFactory({ client: 'better-sqlite3', connection: { filename: stack.sqliteFile }, useNullAsDefault: true });
  });
  afterAll(async () => {
    await db?.destroy();
    await stack?.close();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    page = undefined;
  });

  /** A fresh browser profile at the page, signed out. */
  async function openPage(viewport = { width: 1000, height: 800 }): Promise<Page> {
    context = await stack.browser.newContext({ viewport });
    page = await context.newPage();
    await page.goto(stack.url);
    return page;
  }

  /** Signs in through the test issuer's hosted login form and waits for the list. */
  async function signIn(target: Page, user: string): Promise<void> {
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.getByLabel('User name').fill(user);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.getByRole('heading', { name: 'Your tasks' }).waitFor();
  }

  async function signedInAs(user: string, viewport?: { width: number; height: number }): Promise<Page> {
    const target = await openPage(viewport);
    await signIn(target, user);
    return target;
  }

  /** Tasks made through the API with the user's own token, as another device of theirs would. */
  async function seed(user: string, titles: string[]): Promise<void> {
    const token = await stack.issuer.sign(stack.issuer.accessClaims(user));
    for (const title of titles) {
      const res = await fetch(`${stack.url}/api/tasks`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
      expect(res.status).toBe(201);
    }
  }

  /** Whether the focus lands on this element (Preact moves it after rendering, so it is waited for). */
  async function focusLandsOn(target: Page, element: Locator): Promise<boolean> {
    const handle = await element.elementHandle();
    return target
      .waitForFunction((el) => document.activeElement === el, handle, { timeout: TIME_LIMITS.event })
      .then(() => true, () => false);
  }
  /** The listed titles, once they are the expected ones (or after TIME_LIMITS.event, whatever they are then). */
  async function listed(target: Page, expected: string[]): Promise<string[]> {
    await target
      .waitForFunction((want) => JSON.stringify(Array.from(document.querySelectorAll('.tasks h3'), (h) => h.textContent)) === JSON.stringify(want), expected, { timeout: TIME_LIMITS.event })
      .catch(() => undefined);
    return target.locator('.tasks h3').allTextContents();
  }
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `Task ${from + i}`);
  const item = (target: Page, title: string) => target.locator('li.task', { has: target.getByRole('heading', { name: title, exact: true }) });

  beforeEach(async () => {
    await db('tasks').del();
  });

  test('signed out, the page offers sign-in and has no serious accessibility violations', async () => {
    const target = await openPage();
    await target.getByRole('heading', { name: 'Sign in to see your tasks' }).waitFor();
    expect(await seriousAccessibilityViolations(target)).toEqual([]);
  });

  test('signs in with the authorization code and PKCE (S256), and leaves no code in the address bar', async () => {
    const target = await openPage();
    const requests: Request[] = [];
    target.on('request', (request) => requests.push(request));
    await signIn(target, 'alice');
    const authorize = new URL(requests.find((r) => r.url().includes('/oauth2/authorize'))!.url());
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('response_type')).toBe('code');
    const token = requests.find((r) => r.url().endsWith('/oauth2/token'))!;
    expect(new URLSearchParams(token.postData() ?? '').get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
    expect(new URL(target.url()).search).toBe('');
    await target.getByText('No tasks yet: add one above.').waitFor();
  });

  test('creates a task: it is listed, announced, and the focus is back in the title field', async () => {
    const target = await signedInAs('alice');
    await target.getByLabel('Title').fill('Water the plants');
    await target.getByLabel('Description (optional)').fill('The ficus too');
    await target.getByRole('button', { name: 'Add task' }).click();
    await target.getByRole('status').getByText('Task “Water the plants” added.').waitFor();
    expect(await listed(target, ['Water the plants'])).toEqual(['Water the plants']);
    await item(target, 'Water the plants').getByText('The ficus too').waitFor();
    expect(await focusLandsOn(target, target.getByLabel('Title'))).toBe(true);
    await target.waitForFunction(() => (document.getElementById('new-title') as HTMLInputElement).value === '', undefined, { timeout: TIME_LIMITS.event }).catch(() => undefined);
    expect(await target.getByLabel('Title').inputValue()).toBe('');
  });

  test('edits a task in place with the keyboard; the focus returns to its Edit button', async () => {
    await seed('alice', ['Draft the report']);
    const target = await signedInAs('alice');
    await item(target, 'Draft the report').getByRole('button', { name: 'Edit' }).click();
    expect(await focusLandsOn(target, target.getByRole('form', { name: 'Edit “Draft the report”' }).getByLabel('Title'))).toBe(true);
    await target.keyboard.press('Control+A');
    await target.keyboard.type('Send the report');
    await target.keyboard.press('Enter');
    await target.getByRole('status').getByText('Task “Send the report” saved.').waitFor();
    expect(await listed(target, ['Send the report'])).toEqual(['Send the report']);
    expect(await focusLandsOn(target, item(target, 'Send the report').getByRole('button', { name: 'Edit' }))).toBe(true);
  });

  test('completes a task and reopens it; the focus stays on the button', async () => {
    await seed('alice', ['Pay the rent']);
    const target = await signedInAs('alice');
    await item(target, 'Pay the rent').getByRole('button', { name: 'Complete' }).click();
    await item(target, 'Pay the rent').getByText('Done', { exact: true }).waitFor();
    expect(await focusLandsOn(target, item(target, 'Pay the rent').getByRole('button', { name: 'Reopen' }))).toBe(true);
    await item(target, 'Pay the rent').getByRole('button', { name: 'Reopen' }).click();
    await item(target, 'Pay the rent').getByText('To Do', { exact: true }).waitFor();
  });

  /** Deletes a task through its confirmation, as a user does. */
  async function deleteConfirmed(target: Page, title: string): Promise<void> {
    await item(target, title).getByRole('button', { name: 'Delete' }).click();
    await item(target, title).getByRole('button', { name: 'Yes, delete' }).click();
  }
  /** Signed in, with the page's timers stopped: from now on time moves only when the test moves it. */
  async function signedInWithClock(user: string): Promise<Page> {
    const target = await openPage();
    await target.clock.install();
    await target.reload();
    await signIn(target, user);
    await target.locator('ul.tasks').waitFor();
    await target.clock.pauseAt(Date.now() + 1000);
    return target;
  }
  const idOf = async (title: string): Promise<number | undefined> => (await db('tasks').where({ title }).first('id'))?.id;

  test('deletes a task once confirmed: it leaves the list at once, announced, with the focus on Undo', async () => {
    await seed('alice', ['Old idea', 'Keep me']);
    const target = await signedInAs('alice');
    await deleteConfirmed(target, 'Old idea');
    await target.getByRole('status').getByText('Task “Old idea” deleted.').waitFor();
    expect(await listed(target, ['Keep me'])).toEqual(['Keep me']);
    const undo = target.getByRole('status').getByRole('button', { name: 'Undo deleting “Old idea”' });
    expect(await focusLandsOn(target, undo)).toBe(true);
  });

  test('Undo (with the keyboard) brings the task back whole: same id, contents and place; nothing was deleted', async () => {
    await seed('alice', ['First', 'Second', 'Third']);
    const id = await idOf('Second');
    await db('tasks').where({ id }).update({ description: 'With its notes', status: 'In Progress' });
    const target = await signedInWithClock('alice');
    await deleteConfirmed(target, 'Second');
    expect(await listed(target, ['Third', 'First'])).toEqual(['Third', 'First']);
    expect(await focusLandsOn(target, target.getByRole('button', { name: 'Undo deleting “Second”' }))).toBe(true);
    await target.keyboard.press('Enter');
    await target.getByRole('status').getByText('Task “Second” restored.').waitFor();
    expect(await listed(target, ['Third', 'Second', 'First'])).toEqual(['Third', 'Second', 'First']);
    await item(target, 'Second').getByText('With its notes').waitFor();
    await item(target, 'Second').getByText('In Progress', { exact: true }).waitFor();
    // Long after the offer would have expired, the task is still there, under its own id.
    await target.clock.runFor(UNDO_MS * 2);
    expect(await db('tasks').where({ id }).first('title', 'description', 'status')).toEqual({ title: 'Second', description: 'With its notes', status: 'In Progress' });
    expect(await target.getByRole('button', { name: /^Undo/ }).count()).toBe(0);
  });

  test('the DELETE waits for the Undo offer to expire, then is sent; the focus goes back to the list heading', async () => {
    await seed('alice', ['Old idea', 'Keep me']);
    const id = await idOf('Old idea');
    const target = await signedInWithClock('alice');
    await deleteConfirmed(target, 'Old idea');
    await target.getByRole('button', { name: 'Undo deleting “Old idea”' }).waitFor();
    await target.clock.runFor(UNDO_MS - 1000);
    expect(await idOf('Old idea')).toBe(id);
    await target.clock.runFor(1000);
    await eventually(async () => (await idOf('Old idea')) === undefined, 'the DELETE when the offer expired');
    await target.getByRole('button', { name: /^Undo/ }).waitFor({ state: 'detached' });
    expect(await listed(target, ['Keep me'])).toEqual(['Keep me']);
    expect(await focusLandsOn(target, target.getByRole('heading', { name: 'Your tasks' }))).toBe(true);
  });

  test('deleting another task sends the first deletion at once and offers Undo for the second only', async () => {
    await seed('alice', ['One', 'Two', 'Three']);
    const target = await signedInWithClock('alice');
    await deleteConfirmed(target, 'One');
    await deleteConfirmed(target, 'Two');
    await eventually(async () => (await idOf('One')) === undefined, 'the first DELETE');
    await target.getByRole('button', { name: 'Undo deleting “Two”' }).click();
    expect(await listed(target, ['Three', 'Two'])).toEqual(['Three', 'Two']);
    expect(await db('tasks').orderBy('id').pluck('title')).toEqual(['Two', 'Three']);
  });

  for (const [how, leave] of [
    ['going to another address', (target: Page) => target.goto('about:blank')],
    ['reloading', (target: Page) => target.reload()],
    ['signing out (which forgets the session first)', (target: Page) => target.getByRole('button', { name: 'Sign out' }).click()],
  ] as const) {
    test(`leaving the page by ${how} while Undo is offered still deletes the task`, async () => {
      await seed('alice', ['Leaving', 'Staying']);
      const target = await signedInWithClock('alice');
      await deleteConfirmed(target, 'Leaving');
      await target.getByRole('button', { name: 'Undo deleting “Leaving”' }).waitFor();
      await leave(target);
      await eventually(async () => (await idOf('Leaving')) === undefined, 'the DELETE sent as the page was left');
      expect(await db('tasks').pluck('title')).toEqual(['Staying']);
    });
  }

  test('asks before deleting: Delete then Keep it deletes nothing, with the focus on Keep it', async () => {
    await seed('alice', ['Precious']);
    const target = await signedInAs('alice');
    await item(target, 'Precious').getByRole('button', { name: 'Delete' }).click();
    const keep = item(target, 'Precious').getByRole('button', { name: 'Keep it' });
    expect(await focusLandsOn(target, keep)).toBe(true);
    await keep.click();
    await item(target, 'Precious').getByRole('button', { name: 'Delete' }).waitFor();
    expect(await db('tasks').pluck('title')).toEqual(['Precious']);
  });

  test('pages through 23 tasks ten at a time, newest first, forward and back, with the total', async () => {
    await seed('alice', range(1, 23));
    const target = await signedInAs('alice');
    const next = target.getByRole('button', { name: 'Next page' });
    const previous = target.getByRole('button', { name: 'Previous page' });
    const newest = (from: number, to: number) => range(from, to).reverse();
    expect(await listed(target, newest(14, 23))).toEqual(newest(14, 23));
    await target.getByText('Page 1 of 3 (23 tasks)').waitFor();
    expect(await previous.isDisabled()).toBe(true);
    await next.click();
    await target.getByText('Page 2 of 3 (23 tasks)').waitFor();
    expect(await listed(target, newest(4, 13))).toEqual(newest(4, 13));
    await next.click();
    await target.getByText('Page 3 of 3').waitFor();
    expect(await listed(target, newest(1, 3))).toEqual(newest(1, 3));
    expect(await next.isDisabled()).toBe(true);
    await previous.click();
    await target.getByText('Page 2 of 3').waitFor();
    expect(await listed(target, newest(4, 13))).toEqual(newest(4, 13));
  });

  test('a task added while on a later page of more than ten shows at the top of the first page', async () => {
    await seed('alice', range(1, 11));
    const target = await signedInAs('alice');
    await target.getByRole('button', { name: 'Next page' }).click();
    await target.getByText('Page 2 of 2').waitFor();
    await target.getByLabel('Title').fill('Brand new');
    await target.getByRole('button', { name: 'Add task' }).click();
    await target.getByRole('status').getByText('Task “Brand new” added.').waitFor();
    await target.getByText('Page 1 of 2 (12 tasks)').waitFor();
    expect((await listed(target, ['Brand new', ...range(3, 11).reverse()]))[0]).toBe('Brand new');
  });

  test('offers no Picture button when the server makes no pictures (runtime config images: false)', async () => {
    await seed('alice', ['A lighthouse']);
    const target = await signedInAs('alice');
    await item(target, 'A lighthouse').getByRole('button', { name: 'Edit' }).waitFor();
    expect(await item(target, 'A lighthouse').getByRole('button', { name: 'Picture' }).count()).toBe(0);
  });

  test('a failed first load offers Retry, which loads the list', async () => {
    await seed('alice', ['Still here']);
    const target = await openPage();
    let refused = 0;
    await target.route('**/api/tasks?*', (route) => (refused++ === 0 ? route.abort() : route.continue()));
    await signIn(target, 'alice');
    await target.getByRole('alert').getByText('The server cannot be reached. Check your connection and try again.').waitFor();
    await target.getByRole('button', { name: 'Retry' }).click();
    await item(target, 'Still here').waitFor();
    expect(await target.getByRole('alert').count()).toBe(0);
  });

  test('a refused token (401) asks to sign in again, with the focus on that button, and signing in again works', async () => {
    await seed('alice', ['Still mine']);
    const target = await signedInAs('alice');
    await target.evaluate(() => sessionStorage.setItem('taskmanager.session', JSON.stringify({ accessToken: 'forged.token.value', expiresAt: Date.now() + 3_600_000 })));
    await item(target, 'Still mine').getByRole('button', { name: 'Complete' }).click();
    await target.getByRole('alert').getByText('Your session has ended. Sign in again to continue.').waitFor();
    expect(await focusLandsOn(target, target.getByRole('button', { name: 'Sign in again' }))).toBe(true);
    await target.keyboard.press('Enter');
    await target.getByLabel('User name').fill('alice');
    await target.getByRole('button', { name: 'Sign in' }).click();
    await item(target, 'Still mine').waitFor();
  });

  test("another user sees none of alice's tasks", async () => {
    await seed('alice', ['Alice only']);
    const target = await signedInAs('bob');
    await target.getByText('No tasks yet: add one above.').waitFor();
  });

  test('signed in, with tasks and an open edit form, the page has no serious accessibility violations', async () => {
    await seed('alice', ['Check contrast', 'Label every field']);
    const target = await signedInAs('alice');
    await item(target, 'Check contrast').getByRole('button', { name: 'Edit' }).click();
    await target.getByRole('form', { name: 'Edit “Check contrast”' }).waitFor();
    expect(await seriousAccessibilityViolations(target)).toEqual([]);
  });

  test('fits a phone-sized screen (360 px) without sideways scrolling', async () => {
    await seed('alice', ['A title long enough to wrap across more than one line on a small phone screen']);
    const target = await signedInAs('alice', { width: 360, height: 740 });
    await item(target, 'A title long enough to wrap across more than one line on a small phone screen').waitFor();
    expect(await target.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await target.screenshot({ path: path.join(ARTIFACTS_DIR, 'page-phone.png'), fullPage: true });
  });

  test('signs out through the hosted UI and comes back signed out', async () => {
    const target = await signedInAs('alice');
    await target.getByRole('button', { name: 'Sign out' }).click();
    await target.getByRole('heading', { name: 'Sign in to see your tasks' }).waitFor();
    expect(await target.evaluate(() => sessionStorage.getItem('taskmanager.session'))).toBeNull();
  });

  test("takes the README's screenshot of the page (docs/screenshot.png with SAVE_SCREENSHOT=1)", async () => {
    await seed('alice', ['Water the plants', 'Send the report', 'Book the dentist']);
    const target = await signedInAs('alice', { width: 800, height: 640 });
    await item(target, 'Send the report').getByRole('button', { name: 'Complete' }).click();
    await item(target, 'Send the report').getByText('Done', { exact: true }).waitFor();
    const file = process.env.SAVE_SCREENSHOT === '1' ? path.join(REPO_ROOT, 'docs', 'screenshot.png') : path.join(ARTIFACTS_DIR, 'page.png');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await target.evaluate(() => window.scrollTo(0, 0));
    await target.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });
});
