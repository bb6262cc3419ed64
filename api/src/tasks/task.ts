/** The task as the API shows it. */
export const TASK_STATUSES = ['To Do', 'In Progress', 'Done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const DEFAULT_STATUS: TaskStatus = 'To Do';

export const TITLE_MAX = 100;
export const DESCRIPTION_MAX = 200;

export interface Task {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly status: TaskStatus;
  /** ISO 8601, UTC, millisecond precision. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewTask {
  readonly title: string;
  readonly description: string;
  readonly status: TaskStatus;
}

export type TaskPatch = Partial<NewTask>;

export interface TaskListQuery {
  readonly limit: number;
  /** Keyset paging: only tasks past this one (ids above it, or below it when `newestFirst`). */
  readonly afterId?: number;
  readonly status?: TaskStatus;
  /** `order=newest`: the newest task first (the web page), instead of the oldest. */
  readonly newestFirst?: boolean;
  /** `total=true`: the answer also counts the tasks of the whole list (every page). */
  readonly withTotal?: boolean;
}
