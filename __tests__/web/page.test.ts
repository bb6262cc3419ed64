/**
 * The web page in Debian's Chromium, against the API bundle as a process (serving the built site,
 * authentication on) and the local test issuer standing in for Cognito's hosted UI.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Request } from 'playwright-core';
import { REPO_ROOT } from '../api/support/api-process';
import { ARTIFACTS_DIR, browserAvailable, seriousAccessibilityViolations } from './support/web-harness';
import { focusLandsOn, item, listed, pageSession } from './support/page-session';
import { TIME_LIMITS } from '../support/time-limits';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser('the web page', () => {
  const { test, openPage, signIn, signedInAs, seed } = pageSession('page');
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `Task ${from + i}`);

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
