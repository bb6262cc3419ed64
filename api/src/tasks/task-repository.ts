import type { Knex } from 'knex';
import { dateWriter, toIso } from '../db/database';
import { NewTask, Task, TaskListQuery, TaskPatch, TaskStatus } from './task';

/**
 * Storage of tasks, always of one owner (the caller's `sub`): another owner's task does not exist
 * for these methods. The routes only see this interface, so tests and other stores can stand in.
 */
export interface TaskRepository {
  /** Up to `limit` of the owner's tasks in id order, after `afterId`, optionally of one status. */
  list(owner: string, query: TaskListQuery): Promise<Task[]>;
  get(owner: string, id: number): Promise<Task | undefined>;
  /** `within` runs the insert in a caller's transaction (e.g. with its idempotency key). */
  create(owner: string, input: NewTask, now: Date, within?: Knex.Transaction): Promise<Task>;
  update(owner: string, id: number, patch: TaskPatch, now: Date): Promise<Task | undefined>;
  remove(owner: string, id: number): Promise<boolean>;
}

export const TASKS_TABLE = 'tasks';

interface TaskRow {
  id: number;
  title: string;
  description: string;
  status: string;
  created_at: Date | string | number;
  updated_at: Date | string | number;
}

const COLUMNS: string[] = ['id', 'title', 'description', 'status', 'created_at', 'updated_at'];

function toTask(row: TaskRow): Task {
  return {
    id: Number(row.id),
    title: row.title,
    description: row.description,
    status: row.status as TaskStatus,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export class KnexTaskRepository implements TaskRepository {
  private readonly time: (date: Date) => Date | string;

  constructor(private readonly knex: Knex) {
    this.time = dateWriter(knex);
  }

  /** The owner's rows: every query starts here, so none can forget the owner. */
  private owned(owner: string, db: Knex | Knex.Transaction = this.knex): Knex.QueryBuilder {
    return db(TASKS_TABLE).where('owner', owner);
  }

  async list(owner: string, query: TaskListQuery): Promise<Task[]> {
    // Walks the (owner, id) or (owner, status, id) index in id order.
    const builder = this.owned(owner).select<TaskRow[]>(COLUMNS).orderBy('id', 'asc').limit(query.limit);
    if (query.afterId !== undefined) builder.where('id', '>', query.afterId);
    if (query.status !== undefined) builder.where('status', query.status);
    const rows: TaskRow[] = await builder;
    return rows.map(toTask);
  }

  async get(owner: string, id: number): Promise<Task | undefined> {
    const row: TaskRow | undefined = await this.owned(owner).first<TaskRow | undefined>(COLUMNS).where('id', id);
    return row ? toTask(row) : undefined;
  }

  async create(owner: string, input: NewTask, now: Date, within?: Knex.Transaction): Promise<Task> {
    // One round trip: the stored row is exactly what we sent plus the generated id, so it is
    // not read back (DATETIME(3) and ISO text both keep the millisecond the Date has).
    const [id] = await (within ?? this.knex)(TASKS_TABLE).insert({
      owner,
      title: input.title,
      description: input.description,
      status: input.status,
      created_at: this.time(now),
      updated_at: this.time(now),
    });
    const at = now.toISOString();
    return { id: Number(id), ...input, createdAt: at, updatedAt: at };
  }

  async update(owner: string, id: number, patch: TaskPatch, now: Date): Promise<Task | undefined> {
    // Update then read, in one transaction so the answer is the row this request produced.
    return this.knex.transaction(async (trx) => {
      await this.owned(owner, trx).where('id', id).update({ ...patch, updated_at: this.time(now) });
      const row: TaskRow | undefined = await this.owned(owner, trx).first<TaskRow | undefined>(COLUMNS).where('id', id);
      return row ? toTask(row) : undefined;
    });
  }

  async remove(owner: string, id: number): Promise<boolean> {
    const deleted = await this.owned(owner).where('id', id).del();
    return deleted > 0;
  }
}
