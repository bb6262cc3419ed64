/**
 * A small Prometheus registry written by hand (prom-client is not a dependency): request counts
 * and a latency histogram by method, route template and status, and a tasks-created counter.
 * Labels are route templates (`/tasks/:id`), never raw paths, so the series count stays bounded.
 */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface RequestSeries {
  readonly labels: string;
  count: number;
  sum: number;
  readonly buckets: number[];
}

export interface Metrics {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  taskCreated(): void;
  /** Prometheus text exposition format 0.0.4. */
  render(): string;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class PrometheusMetrics implements Metrics {
  private readonly requests = new Map<string, RequestSeries>();
  private tasksCreated = 0;
  private readonly startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let series = this.requests.get(key);
    if (!series) {
      series = {
        labels: `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`,
        count: 0,
        sum: 0,
        buckets: LATENCY_BUCKETS_SECONDS.map(() => 0),
      };
      this.requests.set(key, series);
    }
    series.count += 1;
    series.sum += seconds;
    // Stored non-cumulatively (one increment); render() accumulates.
    const index = LATENCY_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
    if (index >= 0) series.buckets[index] += 1;
  }

  taskCreated(): void {
    this.tasksCreated += 1;
  }

  render(): string {
    const lines: string[] = [];
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

    const memory = process.memoryUsage();
    lines.push('# HELP process_resident_memory_bytes Resident memory size in bytes.');
    lines.push('# TYPE process_resident_memory_bytes gauge');
    lines.push(`process_resident_memory_bytes ${memory.rss}`);
    lines.push('# HELP process_uptime_seconds Seconds since the API started.');
    lines.push('# TYPE process_uptime_seconds gauge');
    lines.push(`process_uptime_seconds ${(this.now() - this.startedAt) / 1000}`);
    return lines.join('\n') + '\n';
  }
}
