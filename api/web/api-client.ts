/**
 * The task API as the page uses it, every failure turned into an ApiError whose message a person
 * can act on: offline, sign in again (401), slow down (429), the server's trouble (5xx), or what
 * to fix in the form (400).
 */
import type { NewTask, Task, TaskPatch, TaskStatus } from '../src/tasks/task';

export type ApiErrorKind = 'offline' | 'unauthorized' | 'rate_limited' | 'server' | 'invalid' | 'not_found';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** The API's error code (`image_not_ready`, `validation_failed`, ...), when it sent one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface TaskPage {
  readonly tasks: Task[];
  readonly nextCursor: string | null;
  /** How many tasks the whole list has (every page). */
  readonly total: number;
}

/** Sends a prepared DELETE; `keepalive` while the page is being left. */
export type SendDelete = (options?: { keepalive?: boolean }) => Promise<void>;

interface CallOptions {
  readonly keepalive?: boolean;
  /** The token to send instead of the current one (captured earlier). */
  readonly token?: string;
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: Array<{ field: string; problem: string }> };
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  const said = body.error?.message;
  const code = body.error?.code;
  // A server without image generation: say so in the user's terms, not the server's settings.
  if (code === 'image_generation_not_configured') return new ApiError('server', 'Pictures are not available on this server.', code);
  if (response.status === 401) return new ApiError('unauthorized', 'Your session has ended. Sign in again to continue.');
  if (response.status === 429) {
    const wait = Number(response.headers.get('retry-after')) || 10;
    return new ApiError('rate_limited', `Too many requests. Wait ${wait} seconds, then try again.`);
  }
  if (response.status >= 500) return new ApiError('server', `The server could not do this (${response.status}). ${said ?? 'Try again in a moment.'}`, code);
  if (response.status === 404) return new ApiError('not_found', said ?? 'This task no longer exists.', code);
  const details = body.error?.details?.map((d) => `${d.field} ${d.problem}`).join('; ');
  return new ApiError('invalid', details ? `Please fix: ${details}.` : (said ?? `The request was refused (${response.status}).`), code);
}

export class TasksApi {
  constructor(
    private readonly base: string,
    private readonly token: () => string | undefined,
  ) {}

  private async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, options: CallOptions = {}): Promise<Response> {
    const token = 'token' in options ? options.token : this.token();
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        keepalive: options.keepalive,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch {
      throw new ApiError(
        'offline',
        navigator.onLine ? 'The server cannot be reached. Check your connection and try again.' : 'You are offline. Reconnect, then try again.',
      );
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async list(limit: number, cursor?: string, status?: TaskStatus): Promise<TaskPage> {
    // Newest first, so that a task just added is on the first page; with the count for the pager.
    const query = new URLSearchParams({ limit: String(limit), order: 'newest', total: 'true' });
    if (cursor) query.set('cursor', cursor);
    if (status) query.set('status', status);
    return (await this.call('GET', `/tasks?${query}`)).json();
  }

  /** With an idempotency key, a retry after a lost answer cannot create the task twice. */
  async create(input: NewTask, idempotencyKey: string): Promise<Task> {
    return (await this.call('POST', '/tasks', input, { 'idempotency-key': idempotencyKey })).json();
  }

  async update(id: number, patch: TaskPatch): Promise<Task> {
    return (await this.call('PATCH', `/tasks/${id}`, patch)).json();
  }

  /**
   * The DELETE of a task, made ready now (with the token of this moment) to be sent later, also while
   * the page is being left: `keepalive` lets the request outlive the page. A task already gone (404)
   * counts as deleted.
   */
  prepareDelete(id: number): SendDelete {
    const token = this.token();
    return async ({ keepalive = false } = {}) => {
      try {
        await this.call('DELETE', `/tasks/${id}`, undefined, {}, { keepalive, token });
      } catch (error) {
        if (!(error instanceof ApiError && error.kind === 'not_found')) throw error;
      }
    };
  }

  async requestImage(id: number): Promise<void> {
    // One image job per task a day, however often the button is pressed.
    await this.call('POST', `/tasks/${id}/image`, undefined, { 'idempotency-key': `image-${id}` });
  }

  /** The image's short-lived URL, or undefined while it is not ready. */
  async imageUrl(id: number): Promise<string | undefined> {
    try {
      return ((await (await this.call('GET', `/tasks/${id}/image`)).json()) as { url: string }).url;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'image_not_ready') return undefined;
      throw error;
    }
  }
}
