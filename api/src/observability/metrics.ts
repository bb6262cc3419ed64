/**
 * A small Prometheus registry written by hand (prom-client is not a dependency): request counts
 * and a latency histogram by method, route template and status, and a tasks-created counter.
 * Labels are route templates (`/tasks/:id`), never raw paths, so the series count stays bounded.
 * Counters are kept apart from gauges because counters add up across worker processes
 * (`RequestCounters.add`) while memory and uptime belong to one process each.
 */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface Metrics {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  taskCreated(): void;
  /** Prometheus text exposition format 0.0.4 (a cluster worker asks the primary for it). */
  render(): string | Promise<string>;
}

/** One request series' counts: additive, so counts from several processes sum. */
export interface RequestSeriesCounts {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly count: number;
  readonly sum: number;
  /** Per bucket of LATENCY_BUCKETS_SECONDS, not cumulative. */
  readonly buckets: readonly number[];
}

/** Counts as they travel between processes (plain data, structured-clone safe). */
export interface CounterSnapshot {
  readonly requests: readonly RequestSeriesCounts[];
  readonly tasksCreated: number;
}

/** Process gauges: never summed, labelled by process in a cluster. */
export interface ProcessGauges {
  readonly residentMemoryBytes: number;
  readonly uptimeSeconds: number;
}

interface RequestSeries {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly labels: string;
  count: number;
  sum: number;
  readonly buckets: number[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The counters of the registry, which one process records and a cluster's primary sums. */
export class RequestCounters {
  private requests = new Map<string, RequestSeries>();
  private tasksCreated = 0;

  observe(method: string, route: string, status: number, seconds: number): void {
    const series = this.series(method, route, status);
    series.count += 1;
    series.sum += seconds;
    // Stored non-cumulatively (one increment); render() accumulates.
    const index = LATENCY_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
    if (index >= 0) series.buckets[index] += 1;
  }

  taskCreated(): void {
    this.tasksCreated += 1;
  }

  get isEmpty(): boolean {
    return this.requests.size === 0 && this.tasksCreated === 0;
  }

  /** Adds counts recorded elsewhere (a worker's). */
  add(snapshot: CounterSnapshot): void {
    for (const counts of snapshot.requests) {
      const series = this.series(counts.method, counts.route, counts.status);
      series.count += counts.count;
      series.sum += counts.sum;
      counts.buckets.forEach((n, i) => (series.buckets[i] += n));
    }
    this.tasksCreated += snapshot.tasksCreated;
  }

  /** Everything counted since the last call, and start again from zero: what a worker sends on. */
  take(): CounterSnapshot {
    const snapshot: CounterSnapshot = {
      requests: [...this.requests.values()].map(({ method, route, status, count, sum, buckets }) => ({ method, route, status, count, sum, buckets })),
      tasksCreated: this.tasksCreated,
    };
    this.requests = new Map();
    this.tasksCreated = 0;
    return snapshot;
  }

  render(lines: string[]): void {
    lines.push('# HELP http_requests_total HTTP requests answered, by method, route template and status.');
    lines.push('# TYPE http_requests_total counter');
    for (const s of this.requests.values()) lines.push(`http_requests_total{${s.labels}} ${s.count}`);

    lines.push('# HELP http_request_duration_seconds Time from request to response, by method, route template and status.');
    lines.push('# TYPE http_request_duration_seconds histogram');
    for (const s of this.requests.values()) {
      let cumulative = 0;
      LATENCY_BUCKETS_SECONDS.forEach((bound, i) => {
        cumulative += s.buckets[i];
        lines.push(`http_request_duration_seconds_bucket{${s.labels},le="${bound}"} ${cumulative}`);
      });
      lines.push(`http_request_duration_seconds_bucket{${s.labels},le="+Inf"} ${s.count}`);
      lines.push(`http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      lines.push(`http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }

    lines.push('# HELP tasks_created_total Tasks created since the process started.');
    lines.push('# TYPE tasks_created_total counter');
    lines.push(`tasks_created_total ${this.tasksCreated}`);
  }

  private series(method: string, route: string, status: number): RequestSeries {
    const key = `${method} ${route} ${status}`;
    let series = this.requests.get(key);
    if (!series) {
      series = {
        method,
        route,
        status,
        labels: `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`,
        count: 0,
        sum: 0,
        buckets: LATENCY_BUCKETS_SECONDS.map(() => 0),
      };
      this.requests.set(key, series);
    }
    return series;
  }
}

/** This process's gauges, `startedAt` being when it started (ms since the epoch). */
export function processGauges(startedAt: number, now: number = Date.now()): ProcessGauges {
  return { residentMemoryBytes: process.memoryUsage.rss(), uptimeSeconds: (now - startedAt) / 1000 };
}

/**
 * The gauges of one process (`labels` empty) or of each worker (`worker="<id>"`), one HELP/TYPE
 * block per metric as the exposition format requires.
 */
export function renderGauges(lines: string[], processes: ReadonlyArray<{ readonly labels: string; readonly gauges: ProcessGauges }>): void {
  const block = (name: string, help: string, read: (g: ProcessGauges) => number): void => {
    lines.push(`# HELP ${name} ${help}`);
    lines.push(`# TYPE ${name} gauge`);
    for (const p of processes) lines.push(`${name}${p.labels ? `{${p.labels}}` : ''} ${read(p.gauges)}`);
  };
  block('process_resident_memory_bytes', 'Resident memory size in bytes.', (g) => g.residentMemoryBytes);
  block('process_uptime_seconds', 'Seconds since the API started.', (g) => g.uptimeSeconds);
}

/** The registry of a single-process API: its own counters and gauges. */
export class PrometheusMetrics implements Metrics {
  private readonly counters = new RequestCounters();
  private readonly startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.counters.observe(method, route, status, seconds);
  }

  taskCreated(): void {
    this.counters.taskCreated();
  }

  render(): string {
    const lines: string[] = [];
    this.counters.render(lines);
    renderGauges(lines, [{ labels: '', gauges: processGauges(this.startedAt, this.now()) }]);
    return lines.join('\n') + '\n';
  }
}
