import * as fs from 'fs';
import type { LogLevel } from '../config/config';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Writes a JSON object (or its already serialised text) as one line, whatever the level (EMF metric lines). */
  raw(line: object | string): void;
  /** Writes everything still buffered, synchronously (shutdown, fatal errors). */
  flushSync(): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where log lines go: a file descriptor (stdout, the log file) or, in tests, a function. */
export type LogSink = { readonly fd: number } | { readonly write: (text: string) => void };

export interface JsonLoggerOptions {
  readonly level?: LogLevel;
  readonly sinks: readonly LogSink[];
  /** Fields put on every line, e.g. the service name. */
  readonly base?: LogFields;
  readonly now?: () => Date;
  /** Longest a line waits in the buffer (ms); 0 writes on the next event-loop turn. */
  readonly flushIntervalMs?: number;
  /**
   * Largest single write, cut at line ends, when other processes write to the same stdout (cluster
   * workers): a pipe or socket keeps a write of up to PIPE_BUF (4096 bytes) whole, a larger one may
   * interleave with another process's and break both lines. A longer line is written on its own.
   * @default no limit
   */
  readonly maxWriteBytes?: number;
}

/** The pipe capacity POSIX guarantees to write atomically. */
export const PIPE_BUF_BYTES = 4096;

const FLUSH_AT_BYTES = 64 * 1024;

/**
 * One JSON object per line. Lines are buffered and written at most every `flushIntervalMs`
 * (20 ms), or sooner when 64 KiB are waiting, with one asynchronous write per sink: a write per
 * request (stdout to a pipe or file is even synchronous on Linux) measurably cut throughput
 * under load. Shutdown, fatal errors and process exit write what is left synchronously.
 */
export class JsonLogger implements Logger {
  private readonly threshold: number;
  private buffer: string[] = [];
  private bufferedChars = 0;
  private flushScheduled = false;
  /** A batch is being written: the next one waits for it, so lines never change order. */
  private writing = false;
  private readonly baseJson: string;

  constructor(private readonly options: JsonLoggerOptions) {
    this.threshold = LEVELS[options.level ?? 'info'];
    const base = JSON.stringify(options.base ?? {});
    this.baseJson = base === '{}' ? '' : base.slice(1, -1) + ',';
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  raw(line: object | string): void {
    this.push(typeof line === 'string' ? line : JSON.stringify(line));
  }

  private log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVELS[level] < this.threshold) return;
    const time = (this.options.now?.() ?? new Date()).toISOString();
    const head = `{"time":"${time}","level":"${level}",${this.baseJson}"msg":${JSON.stringify(msg)}`;
    // A replacer makes JSON.stringify call back for every key: only pay for it when an error is there.
    const rest = fields ? JSON.stringify(fields, hasErrorValue(fields) ? errorReplacer : undefined) : '{}';
    this.push(rest === '{}' ? `${head}}` : `${head},${rest.slice(1)}`);
  }

  private push(line: string): void {
    this.buffer.push(line);
    this.bufferedChars += line.length + 1;
    if (this.writing) return; // the running write schedules the next batch when it is done
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.bufferedChars >= FLUSH_AT_BYTES) {
      this.flushAsync();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      const interval = this.options.flushIntervalMs ?? 20;
      // unref: a pending flush never keeps the process alive (exit paths flush synchronously).
      if (interval > 0) setTimeout(() => this.flushScheduledBatch(), interval).unref();
      else setImmediate(() => this.flushScheduledBatch());
    }
  }

  private flushScheduledBatch(): void {
    if (this.flushScheduled) this.flushAsync();
  }

  private take(): string | undefined {
    this.flushScheduled = false;
    if (this.buffer.length === 0) return undefined;
    const text = this.buffer.join('\n') + '\n';
    this.buffer = [];
    this.bufferedChars = 0;
    return text;
  }

  private flushAsync(): void {
    const text = this.take();
    if (text === undefined) return;
    const data = chunks(text, this.options.maxWriteBytes);
    const fdSinks: number[] = [];
    for (const sink of this.options.sinks) {
      if ('write' in sink) for (const chunk of data) sink.write(chunk.toString());
      else fdSinks.push(sink.fd);
    }
    let pending = fdSinks.length;
    if (pending === 0) return;
    this.writing = true;
    for (const fd of fdSinks) {
      writeFully(fd, data, (err) => {
        // A failed log write must never take the API down; stderr is the last resort.
        if (err) process.stderr.write(`log write failed: ${err.message}\n`);
        if (--pending > 0) return;
        this.writing = false;
        // Lines that came in meanwhile wait for the next interval, not a write right away:
        // back-to-back small writes were what made logging expensive under load.
        if (this.buffer.length > 0) this.scheduleFlush();
      });
    }
  }

  flushSync(): void {
    const text = this.take();
    if (text === undefined) return;
    const data = chunks(text, this.options.maxWriteBytes);
    for (const sink of this.options.sinks) {
      try {
        if ('write' in sink) for (const chunk of data) sink.write(chunk.toString());
        else for (const chunk of data) fs.writeSync(sink.fd, chunk);
      } catch {
        // Shutting down: nothing useful left to do with a failed log write.
      }
    }
  }
}

/** The batch as one buffer, or as buffers of whole lines of at most `maxBytes` each. */
function chunks(text: string, maxBytes?: number): Buffer[] {
  const data = Buffer.from(text);
  if (maxBytes === undefined || data.length <= maxBytes) return [data];
  const parts: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    let end = start + maxBytes >= data.length ? data.length : data.lastIndexOf(0x0a, start + maxBytes - 1) + 1;
    if (end <= start) end = data.indexOf(0x0a, start) + 1 || data.length; // one line longer than the limit
    parts.push(data.subarray(start, end));
    start = end;
  }
  return parts;
}

/** Writes the buffers in order; fs.write may write part of one (pipes): keep going until all is out. */
function writeFully(fd: number, data: readonly Buffer[], done: (err: Error | null) => void): void {
  const [first, ...rest] = data;
  if (first === undefined) return done(null);
  fs.write(fd, first, 0, first.length, null, (err, written) => {
    if (err) {
      // stdout as a non-blocking pipe that is full: try again shortly rather than drop lines.
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        setTimeout(() => writeFully(fd, data, done), 5);
        return;
      }
      done(err);
    } else if (written < first.length) writeFully(fd, [first.subarray(written), ...rest], done);
    else writeFully(fd, rest, done);
  });
}

function isErrorLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Error).stack === 'string' && typeof (value as Error).message === 'string';
}

function hasErrorValue(fields: LogFields): boolean {
  for (const key in fields) if (isErrorLike(fields[key])) return true;
  return false;
}

/** Errors serialise to {name, message, code, stack} instead of `{}`. */
function errorReplacer(_key: string, value: unknown): unknown {
  // Duck-typed: errors from Node internals may come from another realm and fail `instanceof Error`.
  if (isErrorLike(value)) {
    const { name, message, stack, code } = value as Error & { code?: unknown };
    return { name, message, ...(code !== undefined ? { code } : {}), stack };
  }
  return value;
}

/**
 * stdout, plus the file when one is set (opened for append, so each write lands whole at the end
 * even with other processes appending; fails at start if it cannot be opened). `sharedOutput`:
 * other processes write to the same stdout (cluster), so writes stay within PIPE_BUF.
 */
export function createLogger(options: { level: LogLevel; file?: string; base?: LogFields; sharedOutput?: boolean }): JsonLogger {
  const sinks: LogSink[] = [{ fd: 1 }];
  // Kept open for the life of the process; opening fails at start when the path is unusable.
  if (options.file) sinks.push({ fd: fs.openSync(options.file, 'a') });
  return new JsonLogger({ level: options.level, sinks, base: options.base, maxWriteBytes: options.sharedOutput ? PIPE_BUF_BYTES : undefined });
}
