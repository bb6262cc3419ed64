/**
 * Custom CloudWatch metrics, which bill per metric and month: what a CloudWatch agent publishes
 * (its configuration in an SSM parameter: each measurement per instance and per aggregation), and
 * what the application publishes (EMF), seen as the custom-namespace metrics a dashboard graphs
 * that no agent publishes. A metric is a namespace, a name and a set of dimensions.
 */
import type { Instance, Json, Snapshot } from './snapshot';

/** The CloudWatch agent's `metrics` section, when an SSM parameter holds an agent configuration. */
function agentMetrics(r: Instance, side: Snapshot): { namespace: string; names: string[]; aggregations: number } | undefined {
  const value = side.argument(r, 'value') ?? side.argument(r, 'insecure_value');
  if (typeof value !== 'string' || !value.includes('metrics_collected')) return undefined;
  let config: { metrics?: { namespace?: string; metrics_collected?: Record<string, { measurement?: unknown[] }>; aggregation_dimensions?: unknown[] } };
  try {
    config = JSON.parse(value);
  } catch {
    return undefined;
  }
  const collected = config.metrics?.metrics_collected ?? {};
  // The agent names a measurement `<plugin>_<measurement>` unless it already starts with the plugin's name.
  const names = Object.entries(collected).flatMap(([plugin, c]) =>
    (c.measurement ?? []).map((m) => (typeof m === 'string' ? m : String((m as Json).name))).map((m) => (m.startsWith(`${plugin}_`) ? m : `${plugin}_${m}`)),
  );
  return { namespace: config.metrics?.namespace ?? 'CWAgent', names, aggregations: (config.metrics?.aggregation_dimensions ?? []).length };
}

/** Instances the agent runs on: the desired capacity of every Auto Scaling group, and single instances. */
function instancesOf(side: Snapshot): number {
  return side.resources.reduce((n, r) => n + (r.type === 'aws_autoscaling_group' ? Number(r.values.desired_capacity ?? r.values.min_size ?? 0) : r.type === 'aws_instance' ? 1 : 0), 0);
}

export interface MetricCount {
  readonly count: number;
  readonly what: string;
}

/** The agent's metrics, for an SSM parameter that holds its configuration: measurements × (instances + aggregations). */
export function agentMetricCount(r: Instance, side: Snapshot): MetricCount | undefined {
  const agent = agentMetrics(r, side);
  if (!agent || agent.names.length === 0) return undefined;
  const instances = instancesOf(side);
  const series = instances + agent.aggregations;
  return {
    count: agent.names.length * series,
    what: `CloudWatch agent: ${agent.names.length} measurements × (${instances} instance${instances === 1 ? '' : 's'} + ${agent.aggregations} aggregate${agent.aggregations === 1 ? '' : 's'})`,
  };
}

/** Metrics in a dashboard body: its widgets' `[namespace, name, dimension, value, ..., {options}]` rows (math expressions are not metrics). */
function graphed(body: string): { namespace: string; name: string; dimensions: string }[] {
  let dashboard: { widgets?: { properties?: { metrics?: unknown[][] } }[] };
  try {
    dashboard = JSON.parse(body);
  } catch {
    return [];
  }
  return (dashboard.widgets ?? []).flatMap((w) => (w.properties?.metrics ?? []).flatMap((row) => {
    const parts = row.filter((p): p is string => typeof p === 'string');
    return parts.length >= 2 ? [{ namespace: parts[0], name: parts[1], dimensions: parts.slice(2).join('|') }] : [];
  }));
}

/** The application's metrics a dashboard graphs: custom namespaces (not `AWS/...`), less what an agent of the stack publishes. */
export function applicationMetricCount(r: Instance, side: Snapshot): MetricCount | undefined {
  const body = side.argument(r, 'dashboard_body');
  if (typeof body !== 'string') return undefined;
  const fromAgents = new Set(side.resources.filter((p) => p.type === 'aws_ssm_parameter').flatMap((p) => {
    const agent = agentMetrics(p, side);
    return agent ? agent.names.map((n) => `${agent.namespace}\0${n}`) : [];
  }));
  const custom = graphed(body).filter((m) => !m.namespace.startsWith('AWS/') && !fromAgents.has(`${m.namespace}\0${m.name}`));
  const distinct = [...new Map(custom.map((m) => [`${m.namespace}\0${m.name}\0${m.dimensions}`, m])).values()];
  if (distinct.length === 0) return undefined;
  const names = [...new Set(distinct.map((m) => m.name))];
  return { count: distinct.length, what: `the application's (${names.join(', ')}), as its dashboard graphs them` };
}
