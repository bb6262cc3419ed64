/**
 * GET /instance speaks the real IMDSv2 protocol (PUT a token, then GET with it) to a fake
 * metadata service on 127.0.0.1; off EC2 it answers plainly and fast.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { ImdsInstanceLookup } from '../../api/src/instance/imds';
import { request, startApi } from './support/api-harness';
import { sqliteBackend, TestDatabase } from './support/databases';

interface FakeImds {
  readonly url: string;
  readonly calls: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** Answers like IMDSv2 with `HttpTokens: required`: 401 without a valid token. */
async function fakeImds(options: { hang?: boolean } = {}): Promise<FakeImds> {
  const calls: FakeImds['calls'] = [];
  const token = 'AQAEAtoken==';
  const server = http.createServer((req, res) => {
    calls.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    if (options.hang) return; // never answers, like a black-holed 169.254.169.254
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return void res.writeHead(400).end();
      return void res.end(token);
    }
    if (req.headers['x-aws-ec2-metadata-token'] !== token) return void res.writeHead(401).end();
    if (req.method === 'GET' && req.url === '/latest/meta-data/instance-id') return void res.end('i-0abc1234def567890');
    if (req.method === 'GET' && req.url === '/latest/meta-data/placement/availability-zone') return void res.end('eu-west-1b');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('GET /instance', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await sqliteBackend.create('instance');
  });
  afterAll(() => db.cleanup());

  it('returns the instance id and zone from IMDSv2, sending the session token', async () => {
    const imds = await fakeImds();
    const api = await startApi(db.knex, { instance: new ImdsInstanceLookup({ endpoint: imds.url, timeoutMs: 300 }) });
    try {
      const res = await request(api.url, 'GET', '/instance');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ onEc2: true, instanceId: 'i-0abc1234def567890', availabilityZone: 'eu-west-1b' });
      expect(imds.calls[0]).toMatchObject({ method: 'PUT', path: '/latest/api/token' });
      expect(Number(imds.calls[0].headers['x-aws-ec2-metadata-token-ttl-seconds'])).toBeGreaterThan(0);
      expect(imds.calls.slice(1).map((c) => [c.method, c.path, c.headers['x-aws-ec2-metadata-token']]).sort()).toEqual([
        ['GET', '/latest/meta-data/instance-id', 'AQAEAtoken=='],
        ['GET', '/latest/meta-data/placement/availability-zone', 'AQAEAtoken=='],
      ]);
      // The id never changes for a running instance: asked once.
      await request(api.url, 'GET', '/instance');
      expect(imds.calls).toHaveLength(3);
    } finally {
      await api.close();
      await imds.close();
    }
  });

  it('off EC2 (nothing listening) answers 200 with onEc2 false and a reason', async () => {
    const api = await startApi(db.knex, { instance: new ImdsInstanceLookup({ endpoint: 'http://127.0.0.1:9', timeoutMs: 300 }) });
    try {
      const res = await request(api.url, 'GET', '/instance');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ onEc2: false, instanceId: null, availabilityZone: null, reason: expect.stringMatching(/not running on EC2/) });
    } finally {
      await api.close();
    }
  });

  it('gives up after the timeout when the metadata address does not answer, and remembers that for a while', async () => {
    const imds = await fakeImds({ hang: true });
    let now = 0;
    const lookup = new ImdsInstanceLookup({ endpoint: imds.url, timeoutMs: 300, negativeCacheMs: 60_000, now: () => now });
    try {
      const started = Date.now();
      const info = await lookup.lookup();
      // Bounded (the fake never answers): not a speed target, which would flake on a loaded machine.
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(info).toMatchObject({ onEc2: false, instanceId: null, reason: expect.stringMatching(/no answer within 300 ms/) });
      await lookup.lookup();
      expect(imds.calls).toHaveLength(1);
      now = 61_000;
      await lookup.lookup();
      expect(imds.calls).toHaveLength(2);
    } finally {
      await imds.close();
    }
  });
});
