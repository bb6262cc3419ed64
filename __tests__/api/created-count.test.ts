/**
 * TasksCreated (the Prometheus counter and the EMF line) counts rows, not answers: a request whose
 * own commit went through but whose acknowledgement was lost (the connection died right after the
 * database ran COMMIT) finds its key stored by itself, and still counts the task it made, once.
 */
import { request, RunningApi, startApi } from './support/api-harness';
import { ProxiedMysql, proxiedMysql } from './support/proxied-mysql';

let db: ProxiedMysql;
let api: RunningApi;

beforeAll(async () => {
  db = await proxiedMysql('created_count');
  api = await startApi(db.knex);
});
afterAll(async () => {
  await api?.close();
  await db?.cleanup();
});

const create = (key: string) =>
  request(api.url, 'POST', '/tasks', { body: '{"title":"counted once"}', headers: { 'content-type': 'application/json', 'idempotency-key': key } });
const tasksCreatedTotal = async () => /^tasks_created_total (\d+)$/m.exec((await request(api.url, 'GET', '/metrics')).text)?.[1];
const emfLines = () => api.logs().filter((line) => '_aws' in line);

it("counts a task whose commit's acknowledgement was lost as created (metric and EMF line), once, and a true replay not at all", async () => {
  db.proxy.loseTheAnswerTo('COMMIT');
  const first = await create('lost-ack');
  expect(first.status).toBe(201);
  // It is this request's own task, not another request's answer.
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  expect(await db.knex('tasks').count({ n: '*' })).toEqual([{ n: 1 }]);
  expect(await tasksCreatedTotal()).toBe('1');
  expect(emfLines().map((line) => line.taskId)).toEqual([first.body.id]);

  const replay = await create('lost-ack');
  expect([replay.status, replay.headers['idempotent-replayed'], replay.body]).toEqual([201, 'true', first.body]);
  expect(await tasksCreatedTotal()).toBe('1');
  expect(emfLines()).toHaveLength(1);
});
