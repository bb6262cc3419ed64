/**
 * Delete with Undo. The API has no way to bring a deleted task back (a new POST would give it a new
 * id and put it first), so the page defers the DELETE instead: the task leaves the list at once and
 * Undo is offered for UNDO_MS; only then is the DELETE sent. Undo therefore loses nothing: the task
 * keeps its id, its contents and its place.
 *
 * What happens to a deletion still waiting, predictably:
 * - the offer expires, or another task is deleted: its DELETE is sent then;
 * - the page is left in any way (closed, reloaded, signed out, another address): its DELETE is sent
 *   at once with `keepalive`, which outlives the page, and with the token of the moment it was
 *   confirmed (signing out forgets the session before the page goes). The user confirmed it and did
 *   not undo it, so it is deleted.
 * - if even that request cannot reach the server (offline, a crashed browser), the task is still
 *   there, whole, the next time the list loads: never half-deleted.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Task } from '../src/tasks/task';
import type { SendDelete, TasksApi } from './api-client';

/** How long Undo is offered after a delete. */
export const UNDO_MS = 10_000;

interface Waiting {
  readonly task: Task;
  readonly send: SendDelete;
  readonly timer: ReturnType<typeof setTimeout>;
}

export interface DeferredDelete {
  /** The task whose deletion waits for the offer to expire (hidden from the list meanwhile). */
  readonly pending: Task | undefined;
  /** Hides the task and offers Undo; a deletion already waiting is sent now. */
  remove(task: Task): void;
  /** Brings the waiting task back: nothing was sent. */
  undo(): Task | undefined;
}

/**
 * `onSent`: the DELETE was answered (the list can refill); `onError`: it failed, so the task is still
 * on the server (the caller shows why and reloads, and the task reappears).
 */
export function useDeferredDelete(api: TasksApi, onSent: (task: Task) => void, onError: (error: unknown) => void): DeferredDelete {
  const [pending, setPending] = useState<Task | undefined>();
  const waiting = useRef<Waiting | undefined>(undefined);
  // The latest callbacks, for a timer set by an earlier render.
  const callbacks = useRef({ onSent, onError });
  callbacks.current = { onSent, onError };

  /** Takes the waiting deletion off the clock; it is then either sent or dropped. */
  const take = (): Waiting | undefined => {
    const taken = waiting.current;
    if (taken) clearTimeout(taken.timer);
    waiting.current = undefined;
    return taken;
  };
  const sendNow = (): void => {
    const taken = take();
    if (!taken) return;
    setPending(undefined);
    taken.send().then(
      () => callbacks.current.onSent(taken.task),
      (error: unknown) => callbacks.current.onError(error),
    );
  };

  useEffect(() => {
    const leave = (): void => void take()?.send({ keepalive: true }).catch(() => undefined);
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      // The list goes away (signed out): the deletion is not dropped silently.
      leave();
    };
  }, []);

  return {
    pending,
    remove(task) {
      sendNow();
      waiting.current = { task, send: api.prepareDelete(task.id), timer: setTimeout(sendNow, UNDO_MS) };
      setPending(task);
    },
    undo() {
      const taken = take();
      setPending(undefined);
      return taken?.task;
    },
  };
}
