import { useEffect, useRef, useState } from 'preact/hooks';
import { DESCRIPTION_MAX, Task, TASK_STATUSES, TaskStatus, TITLE_MAX } from '../src/tasks/task';
import type { TasksApi } from './api-client';

/** How often and how long the page asks whether a requested image is ready. */
const IMAGE_POLL_MS = 2_000;
const IMAGE_POLL_TRIES = 90;

export interface TaskItemProps {
  readonly task: Task;
  readonly api: TasksApi;
  /** The server makes pictures: offer the Picture button. */
  readonly pictures: boolean;
  readonly onChanged: (message: string) => void;
  /** Confirmed: the list hides the task and offers Undo before anything is sent (deferred-delete.ts). */
  readonly onDelete: (task: Task) => void;
  readonly onError: (error: unknown) => void;
}

/** One task: shown, or edited in place; focus returns to the Edit button after editing. */
export function TaskItem({ task, api, pictures, onChanged, onDelete, onError }: TaskItemProps) {
  const [editing, setEditing] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const keepButton = useRef<HTMLButtonElement>(null);
  useEffect(() => void (confirmingDelete && keepButton.current?.focus()), [confirmingDelete]);
  const editButton = useRef<HTMLButtonElement>(null);
  const done = task.status === 'Done';
  const headingId = `task-${task.id}-title`;

  const stopEditing = (): void => {
    setEditing(false);
    // After the re-render, the Edit button is back.
    setTimeout(() => editButton.current?.focus());
  };

  if (editing) {
    return (
      <li class="task">
        <EditForm
          task={task}
          onCancel={stopEditing}
          onSave={async (patch) => {
            try {
              await api.update(task.id, patch);
              onChanged(`Task “${patch.title}” saved.`);
              stopEditing();
            } catch (error) {
              onError(error);
            }
          }}
        />
      </li>
    );
  }
  return (
    <li class={`task${done ? ' done' : ''}`} aria-labelledby={headingId}>
      <div class="task-text">
        <h3 id={headingId}>{task.title}</h3>
        {task.description && <p>{task.description}</p>}
        <p class="status">
          Status: <strong>{task.status}</strong>
        </p>
      </div>
      <div class="actions" role="group" aria-label={`Actions for “${task.title}”`}>
        <button type="button" class="secondary" ref={editButton} onClick={() => setEditing(true)}>
          Edit
        </button>
        <button
          type="button"
          class="secondary"
          onClick={async () => {
            try {
              await api.update(task.id, { status: done ? 'To Do' : 'Done' });
              onChanged(done ? `Task “${task.title}” reopened.` : `Task “${task.title}” completed.`);
            } catch (error) {
              onError(error);
            }
          }}
        >
          {done ? 'Reopen' : 'Complete'}
        </button>
        {confirmingDelete ? (
          // Ask first, with the focus on the safe answer; Undo is the second chance.
          <span class="confirm" role="group" aria-label={`Delete “${task.title}”?`}>
            Delete it?{' '}
            <button type="button" class="danger" onClick={() => onDelete(task)}>
              Yes, delete
            </button>
            <button type="button" class="secondary" ref={keepButton} onClick={() => setConfirmingDelete(false)}>
              Keep it
            </button>
          </span>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirmingDelete(true)}>
            Delete
          </button>
        )}
        {pictures && <TaskImage task={task} api={api} onError={onError} />}
      </div>
    </li>
  );
}

function EditForm({ task, onSave, onCancel }: { task: Task; onSave: (patch: { title: string; description: string; status: TaskStatus }) => Promise<void>; onCancel: () => void }) {
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [status, setStatus] = useState<TaskStatus>(task.status);
  const titleField = useRef<HTMLInputElement>(null);
  useEffect(() => titleField.current?.focus(), []);
  const id = (field: string): string => `edit-${task.id}-${field}`;
  return (
    <form
      class="edit"
      aria-label={`Edit “${task.title}”`}
      onSubmit={(event) => {
        event.preventDefault();
        void onSave({ title, description, status });
      }}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <label for={id('title')}>Title</label>
      <input id={id('title')} ref={titleField} value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={TITLE_MAX} required />
      <label for={id('description')}>Description</label>
      <textarea id={id('description')} value={description} onInput={(e) => setDescription(e.currentTarget.value)} maxLength={DESCRIPTION_MAX} rows={2} />
      <label for={id('status')}>Status</label>
      <select id={id('status')} value={status} onChange={(e) => setStatus(e.currentTarget.value as TaskStatus)}>
        {TASK_STATUSES.map((s) => (
          <option value={s}>{s}</option>
        ))}
      </select>
      <div class="actions">
        <button type="submit">Save</button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Asks for the task's image (made by the worker from its title) and shows it once it is stored. */
function TaskImage({ task, api, onError }: { task: Task; api: TasksApi; onError: (error: unknown) => void }) {
  const [state, setState] = useState<'idle' | 'waiting' | 'timed out'>('idle');
  const [url, setUrl] = useState<string | undefined>();
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);

  const waitForImage = async (): Promise<void> => {
    for (let attempt = 0; attempt < IMAGE_POLL_TRIES && alive.current; attempt++) {
      const found = await api.imageUrl(task.id);
      if (found) return setUrl(found);
      if (attempt === 0) await api.requestImage(task.id);
      await new Promise((resolve) => setTimeout(resolve, IMAGE_POLL_MS));
    }
    setState('timed out');
  };

  if (url) return <img class="task-image" src={url} alt={`Generated picture for “${task.title}”`} width={256} height={256} />;
  return (
    <>
      <button
        type="button"
        class="secondary"
        disabled={state === 'waiting'}
        onClick={() => {
          setState('waiting');
          waitForImage().catch((error) => (setState('idle'), onError(error)));
        }}
      >
        {state === 'waiting' ? 'Making the picture…' : 'Picture'}
      </button>
      {state === 'timed out' && <span class="later">The picture is not ready yet; try again later.</span>}
    </>
  );
}
