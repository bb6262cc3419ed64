/**
 * A local SQS endpoint speaking the protocol @aws-sdk/client-sqs uses (AWS JSON 1.0:
 * `POST /`, `X-Amz-Target: AmazonSQS.<Action>`, `Content-Type: application/x-amz-json-1.0`).
 * It records SendMessage calls and answers with a real MessageId and MD5OfMessageBody, which
 * the SDK verifies.
 */
import { createHash, randomUUID } from 'crypto';
import * as http from 'http';
import { close, listen, readBody } from '../../../scripts/support/http';

export interface SentMessage {
  readonly target: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly queueUrl: string;
  readonly body: string;
  readonly messageId: string;
}

export interface FakeSqs {
  readonly endpoint: string;
  readonly sent: SentMessage[];
  /** Answer the next SendMessage with a wrong MD5 (the SDK must reject it). */
  corruptNextMd5: boolean;
  close(): Promise<void>;
}

export async function startFakeSqs(): Promise<FakeSqs> {
  const state: FakeSqs = { endpoint: '', sent: [], corruptNextMd5: false, close: async () => close(server) };
  const server = http.createServer(async (req, res) => {
    const raw = (await readBody(req)).toString('utf8');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(body));
    };
    const target = req.headers['x-amz-target'] as string | undefined;
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-amz-json-1.0') {
      reply(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: 'expected an AWS JSON 1.0 POST' });
      return;
    }
    if (target !== 'AmazonSQS.SendMessage') {
      reply(400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: `unsupported target ${target}` });
      return;
    }
    const input = JSON.parse(raw) as { QueueUrl?: string; MessageBody?: string };
    if (!input.QueueUrl || typeof input.MessageBody !== 'string') {
      reply(400, { __type: 'com.amazonaws.sqs#MissingParameter', message: 'QueueUrl and MessageBody are required' });
      return;
    }
    const messageId = randomUUID();
    state.sent.push({
      target,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      queueUrl: input.QueueUrl,
      body: input.MessageBody,
      messageId,
    });
    let md5 = createHash('md5').update(input.MessageBody, 'utf8').digest('hex');
    if (state.corruptNextMd5) {
      state.corruptNextMd5 = false;
      md5 = '0'.repeat(32);
    }
    reply(200, { MessageId: messageId, MD5OfMessageBody: md5 });
  });
  (state as { endpoint: string }).endpoint = await listen(server);
  return state;
}
