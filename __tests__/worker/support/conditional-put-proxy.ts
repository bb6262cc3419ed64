/**
 * s3rver ignores `If-None-Match` on PUT; real S3 answers 412 PreconditionFailed when the key
 * exists. This proxy sits in front of s3rver and adds exactly that behaviour, forwarding
 * everything else untouched (signatures stay valid: the Host header is passed through).
 */
import * as http from 'http';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { close, listen, readBody } from '../../../scripts/support/http';

export interface ConditionalPutProxy {
  readonly endpoint: string;
  /** The If-None-Match header of every PUT seen. */
  readonly puts: (string | undefined)[];
  /** While true, every PUT is answered 503 SlowDown (an S3 outage that outlasts the SDK's retries). */
  failPuts: boolean;
  close(): Promise<void>;
}

export async function startConditionalPutProxy(target: string, bucket: string, client: S3Client): Promise<ConditionalPutProxy> {
  const state = { endpoint: '', puts: [] as (string | undefined)[], failPuts: false, close: async () => close(server) };
  const targetUrl = new URL(target);
  // Conditional PUTs are decided and applied one at a time, as S3 does atomically.
  let lock: Promise<void> = Promise.resolve();
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    let release = () => {};
    if (req.method === 'PUT') {
      const previous = lock;
      lock = new Promise((resolve) => (release = resolve));
      await previous;
      res.on('close', release);
      const ifNoneMatch = req.headers['if-none-match'] as string | undefined;
      state.puts.push(ifNoneMatch);
      const key = decodeURIComponent((req.url ?? '').split('?')[0].replace(`/${bucket}/`, ''));
      if (state.failPuts) {
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
        return;
      }
      if (ifNoneMatch === '*' && (await exists(client, bucket, key))) {
        res.writeHead(412, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code>' +
            '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
            '<Condition>If-None-Match</Condition></Error>',
        );
        return;
      }
    }
    const upstream = http.request(
      { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  });
  state.endpoint = await listen(server);
  return state;
}

async function exists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}
