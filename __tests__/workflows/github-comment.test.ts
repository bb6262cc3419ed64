/** The GitHub API side of the workflows, against an in-memory fake of the few REST calls used. */
import { syncIssue, upsertComment } from '../../delivery/github';
import { fakeGitHub } from './support/fake-github';

const context = { repo: { owner: 'acme', repo: 'tm' }, issue: { number: 7 } };
const body = (text: string) => `<!-- taskmanager-plan -->\n${text}`;

describe('upsertComment', () => {
  it('creates the comment once, then updates the same one in place', async () => {
    const gh = fakeGitHub();
    gh.comments.push({ id: 1, issue: 7, body: 'LGTM', user: { login: 'alice', type: 'User' } });
    // A human quoting the marker is not our comment.
    gh.comments.push({ id: 2, issue: 7, body: '<!-- taskmanager-plan --> quoted', user: { login: 'bob', type: 'User' } });
    const first = await upsertComment({ github: gh.github, context, body: body('v1'), marker: 'taskmanager-plan' });
    expect(first.action).toBe('created');
    const second = await upsertComment({ github: gh.github, context, body: body('v2'), marker: 'taskmanager-plan' });
    expect(second).toEqual({ action: 'updated', id: first.id });
    expect(gh.comments.filter((c) => c.user.type === 'Bot')).toHaveLength(1);
    expect(gh.comments.find((c) => c.id === first.id)!.body).toBe(body('v2'));
    expect(gh.comments.find((c) => c.id === 2)!.body).toBe('<!-- taskmanager-plan --> quoted');
    expect(gh.calls).toEqual(['createComment 7', `updateComment ${first.id}`]);
  });

  it('keeps comments of other markers and other pull requests apart', async () => {
    const gh = fakeGitHub();
    await upsertComment({ github: gh.github, context, body: '<!-- other -->\nx', marker: 'other' });
    await upsertComment({ github: gh.github, context: { ...context, issue: { number: 8 } }, body: body('pr 8'), marker: 'taskmanager-plan' });
    await upsertComment({ github: gh.github, context, body: body('pr 7'), marker: 'taskmanager-plan' });
    expect(gh.comments.map((c) => [c.issue, c.body.split('\n')[0]])).toEqual([[7, '<!-- other -->'], [8, '<!-- taskmanager-plan -->'], [7, '<!-- taskmanager-plan -->']]);
  });

  it('refuses a body without its marker (it could never be found again)', async () => {
    await expect(upsertComment({ github: fakeGitHub().github, context, body: 'no marker', marker: 'taskmanager-plan' })).rejects.toThrow('lacks its marker');
  });
});

describe('syncIssue (drift)', () => {
  const drift = (text: string) => `<!-- taskmanager-drift -->\n${text}`;
  const args = { context, marker: 'taskmanager-drift', title: 'Infrastructure drift' };

  it('opens one issue, updates it while drift lasts, closes it when gone', async () => {
    const gh = fakeGitHub();
    gh.issues.push({ number: 1, title: 'unrelated', body: 'hello', state: 'open', user: { login: 'alice', type: 'User' } });
    expect(await syncIssue({ ...args, github: gh.github, body: drift('night 1'), open: true })).toMatchObject({ action: 'created' });
    const number = gh.issues[1].number;
    expect(await syncIssue({ ...args, github: gh.github, body: drift('night 2'), open: true })).toEqual({ action: 'updated', number });
    expect(gh.issues.filter((i) => i.state === 'open')).toHaveLength(2);
    expect(gh.issues[1].body).toBe(drift('night 2'));
    expect(await syncIssue({ ...args, github: gh.github, body: drift('clean'), open: false })).toEqual({ action: 'closed', number });
    expect(gh.issues[1].state).toBe('closed');
    expect(gh.comments.at(-1)!.body).toContain('nothing to report');
    expect(gh.issues[0].state).toBe('open');
    // Nothing open and nothing to report: nothing happens.
    expect(await syncIssue({ ...args, github: gh.github, body: drift('clean'), open: false })).toEqual({ action: 'none' });
    // Drift again: a new issue (the closed one stays closed).
    expect((await syncIssue({ ...args, github: gh.github, body: drift('night 4'), open: true })).action).toBe('created');
  });

  it('ignores an issue that someone else opened with the marker: it can neither hijack nor bury the report', async () => {
    const gh = fakeGitHub();
    gh.issues.push({ number: 1, title: 'Infrastructure drift', body: drift('fake: all fine'), state: 'open', user: { login: 'mallory', type: 'User' } });
    gh.issues.push({ number: 2, title: 'Infrastructure drift', body: drift('fake from an app'), state: 'open', user: { login: 'some-app[bot]', type: 'Bot' } });
    expect(await syncIssue({ ...args, github: gh.github, body: drift('night 1'), open: true })).toMatchObject({ action: 'created' });
    expect(gh.issues.map((i) => [i.number, i.body])).toEqual([[1, drift('fake: all fine')], [2, drift('fake from an app')], [expect.any(Number), drift('night 1')]]);
    expect(await syncIssue({ ...args, github: gh.github, body: drift('clean'), open: false })).toMatchObject({ action: 'closed', number: gh.issues[2].number });
    expect(gh.issues.map((i) => i.state)).toEqual(['open', 'open', 'closed']);
  });
});
