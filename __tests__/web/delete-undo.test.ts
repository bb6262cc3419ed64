/**
 * Deleting on the web page: asked first, then hidden at once with Undo offered for UNDO_MS, the
 * DELETE sent only when the offer expires, another task is deleted, or the page is left. The
 * page's timers are driven by playwright's clock, never waited for.
 */
import type { Page } from 'playwright-core';
import { UNDO_MS } from '../../api/web/deferred-delete';
import { eventually } from '../support/eventually';
import { focusLandsOn, item, listed, pageSession } from './support/page-session';
import { browserAvailable, seriousAccessibilityViolations } from './support/web-harness';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser('deleting a task on the web page, with Undo', () => {
  const { test, db, openPage, signIn, signedInAs, seed } = pageSession('delete');

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
    expect(await seriousAccessibilityViolations(target)).toEqual([]);
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
});
