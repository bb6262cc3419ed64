/**
 * The page: sign-in state, the task list with paging and a status filter, the new-task form, and
 * one place where errors are shown (an alert that says what to do) and successes announced (a
 * polite live region), so screen readers hear both.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { TASK_STATUSES, TaskStatus } from '../src/tasks/task';
import { ApiError, TaskPage, TasksApi } from './api-client';
import type { SignIn } from './auth';
import { UNDO_MS, useDeferredDelete } from './deferred-delete';
import { NewTaskForm } from './new-task-form';
import { TaskItem } from './task-item';

export const PAGE_SIZE = 10;

export interface AppProps {
  readonly apiBase: string;
  /** Absent when the API runs without authentication (local use). */
  readonly signIn?: SignIn;
  /** Why the last sign-in redirect failed, if it did. */
  readonly signInProblem?: string;
  /** The server makes pictures (runtime config `images`): offer the Picture button. */
  readonly pictures: boolean;
}

export function App({ apiBase, signIn, signInProblem, pictures }: AppProps) {
  const [signedIn, setSignedIn] = useState(() => !signIn || signIn.current() !== undefined);
  return (
    <>
      <header class="bar">
        <h1>Task manager</h1>
        {signIn && signedIn && (
          <button type="button" class="secondary" onClick={() => signIn.end()}>
            Sign out
          </button>
        )}
        {!signIn && <p class="mode">Local mode: no sign-in</p>}
      </header>
      <main id="main">
        {signedIn ? (
          <Tasks apiBase={apiBase} signIn={signIn} pictures={pictures} onSignedOut={() => setSignedIn(false)} />
        ) : (
          <SignedOut signIn={signIn as SignIn} problem={signInProblem} />
        )}
      </main>
    </>
  );
}

function SignedOut({ signIn, problem }: { signIn: SignIn; problem?: string }) {
  return (
    <section class="panel" aria-labelledby="signin-heading">
      <h2 id="signin-heading">Sign in to see your tasks</h2>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      <p>Your tasks are private: only you can see and change them.</p>
      <button type="button" onClick={() => void signIn.begin()}>
        Sign in
      </button>
    </section>
  );
}

interface TasksProps {
  readonly apiBase: string;
  readonly signIn?: SignIn;
  readonly pictures: boolean;
  readonly onSignedOut: () => void;
}

function Tasks({ apiBase, signIn, pictures, onSignedOut }: TasksProps) {
  const api = useMemo(() => new TasksApi(apiBase, () => signIn?.current()?.accessToken), [apiBase, signIn]);
  const [page, setPage] = useState<TaskPage | undefined>();
  /** Cursors of the pages before the current one (keyset paging can only go forward by itself). */
  const [previous, setPrevious] = useState<Array<string | undefined>>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [filter, setFilter] = useState<TaskStatus | ''>('');
  const [problem, setProblem] = useState<ApiError | undefined>();
  const [notice, setNotice] = useState('');
  const listHeading = useRef<HTMLHeadingElement>(null);
  const signInAgain = useRef<HTMLButtonElement>(null);
  const undoButton = useRef<HTMLButtonElement>(null);

  const fail = (error: unknown): void => {
    const known = error instanceof ApiError ? error : new ApiError('server', `Something went wrong: ${(error as Error).message}`);
    if (known.kind === 'unauthorized') signIn?.forget();
    setNotice('');
    setProblem(known);
  };
  const succeed = (message: string): void => {
    setProblem(undefined);
    setNotice(message);
  };

  const load = async (at: string | undefined, status: TaskStatus | ''): Promise<void> => {
    try {
      setPage(await api.list(PAGE_SIZE, at, status || undefined));
      setCursor(at);
      setProblem(undefined);
    } catch (error) {
      fail(error);
    }
  };
  useEffect(() => void load(undefined, ''), []);
  useEffect(() => {
    if (problem?.kind === 'unauthorized') signInAgain.current?.focus();
  }, [problem]);

  const go = async (to: string | undefined, back: Array<string | undefined>): Promise<void> => {
    await load(to, filter);
    setPrevious(back);
    listHeading.current?.focus();
  };
  const reload = (): Promise<void> => load(cursor, filter);
  /** Back to the first page, where the newest tasks are. */
  const loadFirst = async (): Promise<void> => {
    setPrevious([]);
    await load(undefined, filter);
  };
  // Sent (the offer expired): the page refills. Failed: the task is still there and shows again.
  const deferred = useDeferredDelete(api, () => void reload(), (error) => (fail(error), void reload()));
  const { pending } = deferred;
  const offered = useRef(false);
  // In the same frame as the offer appears or goes (not after the next paint, as useEffect would).
  useLayoutEffect(() => {
    if (pending) undoButton.current?.focus();
    // The offer went away with the focus on it: not lost to the page's body.
    else if (offered.current && document.activeElement === document.body) listHeading.current?.focus();
    offered.current = Boolean(pending);
  }, [pending]);
  /** The list as shown: without the task whose deletion waits, also in the total. */
  const tasks = page?.tasks.filter((task) => task.id !== pending?.id) ?? [];
  const total = (page?.total ?? 0) - (pending && (!filter || pending.status === filter) ? 1 : 0);
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <>
      <div class="notice" role="status" aria-live="polite">
        {notice}
        {pending && (
          <span class="undo">
            {' '}
            <button
              type="button"
              class="secondary"
              ref={undoButton}
              aria-label={`Undo deleting “${pending.title}”`}
              onClick={() => {
                const restored = deferred.undo();
                if (restored) succeed(`Task “${restored.title}” restored.`);
                listHeading.current?.focus();
              }}
            >
              Undo
            </button>{' '}
            (for {UNDO_MS / 1000} seconds)
          </span>
        )}
      </div>
      {problem && (
        <div class="problem" role="alert">
          <p>{problem.message}</p>
          {problem.kind === 'unauthorized' && signIn && (
            <button type="button" ref={signInAgain} onClick={() => (onSignedOut(), void signIn.begin())}>
              Sign in again
            </button>
          )}
        </div>
      )}
      <NewTaskForm
        create={async (input, key) => {
          try {
            const task = await api.create(input, key);
            const hidden = filter && task.status !== filter ? ` It is not shown: the list shows only “${filter}”.` : '';
            succeed(`Task “${task.title}” added.${hidden}`);
            await loadFirst();
            return true;
          } catch (error) {
            fail(error);
            return false;
          }
        }}
      />
      <section aria-labelledby="list-heading">
        <div class="list-head">
          <h2 id="list-heading" ref={listHeading} tabIndex={-1}>
            Your tasks
          </h2>
          <label class="filter">
            Show{' '}
            <select
              value={filter}
              onChange={(event) => {
                const status = (event.currentTarget as HTMLSelectElement).value as TaskStatus | '';
                setFilter(status);
                setPrevious([]);
                void load(undefined, status);
              }}
            >
              <option value="">All</option>
              {TASK_STATUSES.map((status) => (
                <option value={status}>{status}</option>
              ))}
            </select>
          </label>
        </div>
        {page === undefined ? (
          problem ? (
            <p>
              The tasks could not be loaded.{' '}
              <button type="button" onClick={() => void load(undefined, filter)}>
                Retry
              </button>
            </p>
          ) : (
            <p>Loading…</p>
          )
        ) : tasks.length === 0 ? (
          <p>{previous.length > 0 ? 'No more tasks.' : filter ? `No tasks are “${filter}”.` : 'No tasks yet: add one above.'}</p>
        ) : (
          <ul class="tasks">
            {tasks.map((task) => (
              <TaskItem
                key={task.id}
                task={task}
                api={api}
                pictures={pictures}
                onChanged={(message) => (succeed(message), void reload())}
                onDelete={(deleted) => {
                  deferred.remove(deleted);
                  succeed(`Task “${deleted.title}” deleted.`);
                }}
                onError={fail}
              />
            ))}
          </ul>
        )}
        {(previous.length > 0 || page?.nextCursor) && (
          <nav class="pager" aria-label="Pages">
            <button type="button" class="secondary" disabled={previous.length === 0} onClick={() => void go(previous[previous.length - 1], previous.slice(0, -1))}>
              Previous page
            </button>
            <span>
              Page {previous.length + 1} of {pageCount} ({total} tasks)
            </span>
            <button type="button" class="secondary" disabled={!page?.nextCursor} onClick={() => void go(page?.nextCursor ?? undefined, [...previous, cursor])}>
              Next page
            </button>
          </nav>
        )}
      </section>
    </>
  );
}
