import { useRef, useState } from 'preact/hooks';
import { DESCRIPTION_MAX, NewTask, TITLE_MAX } from '../src/tasks/task';

export interface NewTaskFormProps {
  /** Creates the task; resolves whether it worked (the form keeps what was typed when not). */
  readonly create: (input: NewTask, idempotencyKey: string) => Promise<boolean>;
}

/** Title and description; after adding, the title field has the focus again for the next task. */
export function NewTaskForm({ create }: NewTaskFormProps) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  // Kept across retries of the same text, so a retry after a lost answer does not add it twice.
  const key = useRef(crypto.randomUUID());
  const titleField = useRef<HTMLInputElement>(null);
  const edit = (set: (value: string) => void) => (event: Event) => {
    set((event.currentTarget as HTMLInputElement).value);
    key.current = crypto.randomUUID();
  };

  return (
    <form
      class="panel new-task"
      aria-labelledby="new-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        const done = await create({ title, description, status: 'To Do' }, key.current);
        setBusy(false);
        if (done) {
          setTitle('');
          setDescription('');
          key.current = crypto.randomUUID();
        }
        titleField.current?.focus();
      }}
    >
      <h2 id="new-heading">New task</h2>
      <label for="new-title">Title</label>
      <input id="new-title" ref={titleField} value={title} onInput={edit(setTitle)} maxLength={TITLE_MAX} required autoComplete="off" />
      <label for="new-description">Description (optional)</label>
      <textarea id="new-description" value={description} onInput={edit(setDescription)} maxLength={DESCRIPTION_MAX} rows={2} />
      <button type="submit" disabled={busy}>
        Add task
      </button>
    </form>
  );
}
