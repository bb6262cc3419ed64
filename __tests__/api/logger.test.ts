/** The JSON logger's writes when several processes share one stdout (cluster workers). */
import { JsonLogger, PIPE_BUF_BYTES } from '../../api/src/observability/logger';

function loggerWritingTo(writes: string[]): JsonLogger {
  return new JsonLogger({ sinks: [{ write: (text) => writes.push(text) }], maxWriteBytes: PIPE_BUF_BYTES, base: { worker: 2 } });
}

describe('JsonLogger with maxWriteBytes (shared stdout)', () => {
  it('writes a large batch as whole lines of at most PIPE_BUF bytes each, in order', () => {
    const writes: string[] = [];
    const logger = loggerWritingTo(writes);
    for (let i = 0; i < 300; i += 1) logger.info('request', { i, path: `/tasks/${'x'.repeat(i % 50)}` });
    logger.flushSync();
    expect(writes.length).toBeGreaterThan(1);
    for (const write of writes) {
      expect(Buffer.byteLength(write)).toBeLessThanOrEqual(PIPE_BUF_BYTES);
      expect(write.endsWith('\n')).toBe(true);
    }
    const lines = writes.join('').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(lines.every((l) => l.worker === 2)).toBe(true);
  });

  it('writes a line longer than the limit on its own, whole', () => {
    const writes: string[] = [];
    const logger = loggerWritingTo(writes);
    logger.info('short');
    logger.info('long', { detail: 'y'.repeat(2 * PIPE_BUF_BYTES) });
    logger.info('short again');
    logger.flushSync();
    expect(writes.map((w) => JSON.parse(w).msg)).toEqual(['short', 'long', 'short again']);
  });
});
