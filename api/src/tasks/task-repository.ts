import type { Knex } from 'knex';
import { dateWriter, toIso } from '../db/database';
import { pooledQueries, PooledQueries } from '../db/pooled-queries';
import { NewTask, Task, TaskListQuery, TaskPatch, TaskStatus } from './task';

/** Storage of tasks; the routes only see this interface, so tests and other stores can stand in. */
export interface TaskRepository {
  /** Up to `limit` tasks in id order, after `afterId`, optionally of one status. */
  list(query: TaskListQuery): Promise<Task[]>;
  get(id: number): Promise<Task | undefined>;
  /** `within` runs the insert in a caller's transaction (e.g. with its idempotency key). */
  create(input: NewTask, now: Date, within?: Knex.Transaction): Promise<Task>;
  update(id: number, patch: TaskPatch, now: Date): Promise<Task | undefined>;
  remove(id: number): Promise<boolean>;
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
  private readonly queries: PooledQueries;

  constructor(private readonly knex: Knex) {
    this.time = dateWriter(knex);
    this.queries = pooledQueries(knex);
  }

  async list(query: TaskListQuery): Promise<Task[]> {
    const { afterId, status, limit } = query;
    const rows = await this.queries.select<TaskRow>({
      shape: `list after=${afterId !== undefined} status=${status !== undefined}`,
      values: [...(afterId !== undefined ? [afterId] : []), ...(status !== undefined ? [status] : []), limit],
      build: () => {
        const builder = this.knex(TASKS_TABLE).select(COLUMNS);
        if (afterId !== undefined) builder.where('id', '>', afterId);
        if (status !== undefined) builder.where('status', status);
        return builder.orderBy('id', 'asc').limit(limit);
      },
    });
    return rows.map(toTask);
  }

  async get(id: number): Promise<Task | undefined> {
    const [row] = await this.queries.select<TaskRow>({ shape: 'get', values: [id, 1], build: () => this.knex(TASKS_TABLE).select(COLUMNS).where('id', id).limit(1) });
    return row ? toTask(row) : undefined;
  }

  async create(input: NewTask, now: Date, within?: Knex.Transaction): Promise<Task> {
    // One round trip: the stored row is exactly what we sent plus the generated id, so it is
    // not read back (DATETIME(3) and ISO text both keep the millisecond the Date has).
    const at = this.time(now);
    const row = { title: input.title, description: input.description, status: input.status, created_at: at, updated_at: at };
    const id = within
      ? Number((await within(TASKS_TABLE).insert(row))[0])
      : await this.queries.insert({
          shape: 'create',
          // knex lists an insert's columns in name order.
          values: [at, input.description, input.status, input.title, at],
          build: () => this.knex(TASKS_TABLE).insert(row),
        });
    const iso = now.toISOString();
    return { id: Number(id), ...input, createdAt: iso, updatedAt: iso };
  }

  async update(id: number, patch: TaskPatch, now: Date): Promise<Task | undefined> {
    // Update then read, in one transaction so the answer is the row this request produced.
    return this.knex.transaction(async (trx) => {
      await trx(TASKS_TABLE).where('id', id).update({ ...patch, updated_at: this.time(now) });
      const row: TaskRow | undefined = await trx(TASKS_TABLE).first<TaskRow | undefined>(COLUMNS).where('id', id);
      return row ? toTask(row) : undefined;
    });
  }

  async remove(id: number): Promise<boolean> {
    const deleted = await this.knex(TASKS_TABLE).where('id', id).del();
    return deleted > 0;
  }
}
