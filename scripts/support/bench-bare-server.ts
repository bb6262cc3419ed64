/**
 * The benchmark's baseline: `GET /tasks?limit=` and `POST /tasks` with nothing but Node's http and a
 * mysql2 pool of 10: the API's SQL and JSON, a minimal body check, no logging, no metrics, no
 * framework. The ceiling to compare the API with; `/stats` says how many 201s it sent.
 */
import * as http from 'http';
import mysql from 'mysql2/promise';

export function serveBare(port: number, databaseUrl: URL, database: string): void {
  const pool = mysql.createPool({
    host: databaseUrl.hostname,
    port: Number(databaseUrl.port || 3306),
    user: decodeURIComponent(databaseUrl.username),
    password: decodeURIComponent(databaseUrl.password),
    database,
    connectionLimit: 10,
    timezone: 'Z',
  });
  const toTask = (r: Record<string, unknown>): Record<string, unknown> => ({
    id: r.id,
    title: r.title,
    description: r.description,
    status: r.status,
    createdAt: (r.created_at as Date).toISOString(),
    updatedAt: (r.updated_at as Date).toISOString(),
  });
  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const list = (res: http.ServerResponse, limit: number): void => {
    pool
      .query('select `id`, `title`, `description`, `status`, `created_at`, `updated_at` from `tasks` order by `id` asc limit ?', [limit + 1])
      .then(([rows]) => {
        const page = (rows as Array<Record<string, unknown>>).map(toTask);
        send(res, 200, { tasks: page.slice(0, limit), nextCursor: page.length > limit ? 'x' : null });
      })
      .catch(() => send(res, 500, { error: 'db' }));
  };
  const create = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let input: { title?: unknown; description?: unknown; status?: unknown };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { error: 'json' });
      }
      if (typeof input.title !== 'string') return send(res, 400, { error: 'title' });
      const now = new Date();
      const task = { title: input.title, description: String(input.description ?? ''), status: String(input.status ?? 'To Do') };
      pool
        .query('insert into `tasks` (`title`, `description`, `status`, `created_at`, `updated_at`) values (?, ?, ?, ?, ?)', [task.title, task.description, task.status, now, now])
        .then(([result]) => {
          const id = (result as { insertId: number }).insertId;
          created += 1;
          res.setHeader('location', `/tasks/${id}`);
          send(res, 201, { id, ...task, createdAt: now.toISOString(), updatedAt: now.toISOString() });
        })
        .catch(() => send(res, 500, { error: 'db' }));
    });
  };
  let created = 0;
  http
    .createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/stats') send(res, 200, { created });
      else if (req.method === 'GET' && url.pathname === '/tasks') list(res, Math.min(100, Math.max(1, Number(url.searchParams.get('limit') || 20))));
      else if (req.method === 'POST' && url.pathname === '/tasks') create(req, res);
      else send(res, 404, { error: 'not found' });
    })
    .listen(port, '127.0.0.1');
}
