/**
 * The cluster primary's metrics hub under a /metrics flood: scrapes that arrive together, or within
 * SUMMED_VIEW_TTL_MS of a round, share one flush round of the workers and one rendering, so the
 * primary (which also hands out every connection) does a bounded amount of work per interval; each
 * worker asks the primary at most once per interval too.
 */
import { MetricsHub, SUMMED_VIEW_TTL_MS } from '../../api/src/cluster/metrics-hub';
import type { PrimaryMessage } from '../../api/src/cluster/messages';
import { ClusterWorkerMetrics } from '../../api/src/cluster/worker-metrics';
import { RequestCounters } from '../../api/src/observability/metrics';

/** Two workers that answer each flush at once with what they counted since the last one. */
function cluster(clock: { now: number }) {
  const flushes: number[] = [];
  const pending = new Map([1, 2].map((slot) => [slot, new RequestCounters()]));
  const hub: MetricsHub = new MetricsHub(
    () =>
      [1, 2].map((slot) => ({
        slot,
        send: (message: PrimaryMessage) => {
          if (message.tm !== 'flush') return;
          flushes.push(slot);
          const counts = pending.get(slot)!.take();
          queueMicrotask(() => hub.receive(slot, { tm: 'flushed', id: message.id, counts, gauges: { residentMemoryBytes: 1, uptimeSeconds: 1 } }, () => undefined));
        },
      })),
    () => clock.now,
  );
  const scrape = (id: number) =>
    new Promise<string>((resolve) =>
      hub.receive(1, { tm: 'scrape', id }, (reply) => {
        if (reply.tm === 'scraped') resolve(reply.text);
      }),
    );
  const created = (slot: number) => pending.get(slot)!.taskCreated();
  return { flushes, scrape, created };
}

const tasksCreated = (text: string) => /^tasks_created_total (\d+)$/m.exec(text)?.[1];

it('answers 200 scrapes that arrive together with one flush round', async () => {
  const clock = { now: 0 };
  const { flushes, scrape, created } = cluster(clock);
  created(1);
  created(2);
  const texts = await Promise.all(Array.from({ length: 200 }, (_, i) => scrape(i)));
  expect(flushes).toEqual([1, 2]);
  expect(new Set(texts.map(tasksCreated))).toEqual(new Set(['2']));
});

it(`serves the summed view for ${SUMMED_VIEW_TTL_MS} ms, then asks the workers again`, async () => {
  const clock = { now: 0 };
  const { flushes, scrape, created } = cluster(clock);
  expect(tasksCreated(await scrape(1))).toBe('0');
  created(1);
  clock.now = SUMMED_VIEW_TTL_MS - 1;
  expect(tasksCreated(await scrape(2))).toBe('0');
  expect(flushes).toEqual([1, 2]);
  clock.now = SUMMED_VIEW_TTL_MS;
  expect(tasksCreated(await scrape(3))).toBe('1');
  expect(flushes).toEqual([1, 2, 1, 2]);
});

describe('a worker under a /metrics flood', () => {
  it(`asks the primary once per ${SUMMED_VIEW_TTL_MS} ms however many requests it answers`, async () => {
    const clock = { now: 0 };
    const asked: number[] = [];
    let deliver: (message: unknown) => void = () => undefined;
    const metrics = new ClusterWorkerMetrics(
      (message) => {
        if (message.tm !== 'scrape') return;
        asked.push(message.id);
        queueMicrotask(() => deliver({ tm: 'scraped', id: message.id, text: `view ${message.id}\n` }));
      },
      (receive) => (deliver = receive),
      () => clock.now,
    );
    try {
      expect(new Set(await Promise.all(Array.from({ length: 100 }, () => metrics.render())))).toEqual(new Set(['view 1\n']));
      clock.now = SUMMED_VIEW_TTL_MS;
      expect(await metrics.render()).toBe('view 2\n');
      expect(asked).toEqual([1, 2]);
    } finally {
      metrics.close();
    }
  });
});
