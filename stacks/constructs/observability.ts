import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { METRICS_NAMESPACE, TASKS_CREATED_METRIC } from '../../api/contract/telemetry';
import { Alerts } from './alerts';
import type { ApiService } from './api-service';
import type { Database } from './database';
import type { Edge } from './edge';
import type { EdgeFirewall } from './edge-firewall';
import { GLOBAL_REGION } from '../lib/provider';

export interface ObservabilityProps {
  /** Region of the dashboard and its metrics. */
  readonly region: string;
  /** The dashboard's name (SPEC O3: `TaskManager-Dashboard`). */
  readonly dashboardName: string;
  /** Where the alarms go. */
  readonly alerts: Alerts;
  /** The API whose instances, load balancer and log the dashboard shows and the alarms watch. */
  readonly api: ApiService;
  /** The database the dashboard shows and the alarms watch. */
  readonly database: Database;
  /** The CloudFront distribution and its web ACL: error rates, blocked requests, an alarm on 5xx. */
  readonly edge: { readonly distribution: Edge; readonly firewall: EdgeFirewall };
  /**
   * More rows for the dashboard, from other parts of the system (e.g. the queue worker).
   * @default none
   */
  readonly extraWidgets?: DashboardWidget[];
}

/** A CloudWatch dashboard widget (the `widgets[]` entries of the dashboard body). */
export interface DashboardWidget {
  readonly type: 'metric' | 'log' | 'text';
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** A metric line in a widget: [namespace, metric, dimension, value, ..., options]. */
type MetricLine = (string | Record<string, unknown>)[];

/** One metric widget; one helper so that every graph looks and behaves the same. */
export function metricWidget(region: string, title: string, metrics: MetricLine[], options: Record<string, unknown> = {}): DashboardWidget {
  return { type: 'metric', width: 8, height: 6, properties: { title, region, metrics, period: 300, view: 'timeSeries', ...options } };
}

const GIB = 1024 ** 3;

/**
 * What operators look at and get woken by (SPEC O3-O4): the `TaskManager-Dashboard` with the
 * instances, the API log, `TasksCreated`, the load balancer and the database; alarms on load
 * balancer 5xx, unhealthy hosts, database CPU and free storage, all to the alerts topic.
 */
export class Observability extends Construct {
  /** Where the dashboard opens in the console. */
  readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { region, alerts } = props;
    const alb = ['LoadBalancer', props.api.loadBalancer.arnSuffix];
    const db = ['DBInstanceIdentifier', props.database.identifier];

    const widgets: DashboardWidget[] = [
      ...props.api.dashboardWidgets(region),
      metricWidget(region, 'Tasks created', [[METRICS_NAMESPACE, TASKS_CREATED_METRIC, { stat: 'Sum' }]]),
      metricWidget(region, 'Load balancer requests and 5xx', [
        ['AWS/ApplicationELB', 'RequestCount', ...alb, { stat: 'Sum' }],
        ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', ...alb, { stat: 'Sum' }],
        ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', ...alb, { stat: 'Sum' }],
      ]),
      metricWidget(region, 'Target response time (s)', [
        ['AWS/ApplicationELB', 'TargetResponseTime', ...alb, { stat: 'p50' }],
        ['AWS/ApplicationELB', 'TargetResponseTime', ...alb, { stat: 'p99' }],
      ]),
      metricWidget(region, 'Healthy / unhealthy hosts', [
        ['AWS/ApplicationELB', 'HealthyHostCount', 'TargetGroup', props.api.targetGroup.arnSuffix, ...alb, { stat: 'Minimum' }],
        ['AWS/ApplicationELB', 'UnHealthyHostCount', 'TargetGroup', props.api.targetGroup.arnSuffix, ...alb, { stat: 'Maximum' }],
      ]),
      metricWidget(region, 'Database CPU (%) and connections', [
        ['AWS/RDS', 'CPUUtilization', ...db],
        ['AWS/RDS', 'DatabaseConnections', ...db, { yAxis: 'right' }],
      ]),
      metricWidget(region, 'Database free storage (bytes)', [['AWS/RDS', 'FreeStorageSpace', ...db, { stat: 'Minimum' }]]),
      {
        type: 'log',
        width: 24,
        height: 6,
        properties: {
          title: 'API log (latest requests)',
          region,
          query: `SOURCE '${props.api.logGroup.name}' | fields @timestamp, method, route, status, durationMs, requestId | sort @timestamp desc | limit 50`,
          view: 'table',
        },
      },
      ...edgeWidgets(props.edge),
      ...(props.extraWidgets ?? []),
    ];
    const dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify({ widgets }),
    });
    this.dashboardUrl = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${dashboard.dashboardName}`;

    const everyFiveMinutes = { period: 300, evaluationPeriods: 1 };
    alerts.addGlobalAlarm('edge-5xx-rate', {
      name: 'edge-5xx-rate',
      alarmDescription: 'More than 5% of the requests at the edge (CloudFront) answered 5xx for 10 minutes',
      namespace: 'AWS/CloudFront',
      metricName: '5xxErrorRate',
      dimensions: { DistributionId: props.edge.distribution.distribution.id, Region: 'Global' },
      statistic: 'Average',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 5,
      period: 300,
      evaluationPeriods: 2,
    });
    alerts.addAlarm('alb-5xx', {
      name: 'alb-5xx',
      alarmDescription: 'The load balancer answered 5xx (no healthy target, or a target failed) at least 5 times in 5 minutes',
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_ELB_5XX_Count',
      dimensions: { LoadBalancer: props.api.loadBalancer.arnSuffix },
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 5,
      ...everyFiveMinutes,
    });
    alerts.addAlarm('target-5xx', {
      name: 'api-5xx',
      alarmDescription: 'The API answered 5xx at least 5 times in 5 minutes',
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
      dimensions: { LoadBalancer: props.api.loadBalancer.arnSuffix },
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 5,
      ...everyFiveMinutes,
    });
    alerts.addAlarm('unhealthy-hosts', {
      name: 'unhealthy-hosts',
      alarmDescription: 'An API instance has failed its load balancer health checks for 2 minutes',
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      dimensions: { TargetGroup: props.api.targetGroup.arnSuffix, LoadBalancer: props.api.loadBalancer.arnSuffix },
      statistic: 'Maximum',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      period: 60,
      evaluationPeriods: 2,
    });
    alerts.addAlarm('db-cpu', {
      name: 'db-cpu',
      alarmDescription: 'Database CPU above 80% for 15 minutes',
      namespace: 'AWS/RDS',
      metricName: 'CPUUtilization',
      dimensions: { DBInstanceIdentifier: props.database.identifier },
      statistic: 'Average',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 80,
      period: 300,
      evaluationPeriods: 3,
    });
    alerts.addAlarm('db-free-storage', {
      name: 'db-free-storage',
      alarmDescription: 'Database free storage below 2 GiB',
      namespace: 'AWS/RDS',
      metricName: 'FreeStorageSpace',
      dimensions: { DBInstanceIdentifier: props.database.identifier },
      statistic: 'Minimum',
      comparisonOperator: 'LessThanThreshold',
      threshold: 2 * GIB,
      ...everyFiveMinutes,
    });
  }
}

/** CloudFront's error rates and what WAF blocked; both kinds of metric exist in us-east-1 only. */
function edgeWidgets(edge: ObservabilityProps['edge']): DashboardWidget[] {
  const distribution = ['DistributionId', edge.distribution.distribution.id, 'Region', 'Global'];
  const webAcl = ['WebACL', edge.firewall.metricName, 'Rule', 'ALL'];
  return [
    metricWidget(GLOBAL_REGION, 'Edge error rates (%)', [
      ['AWS/CloudFront', '4xxErrorRate', ...distribution],
      ['AWS/CloudFront', '5xxErrorRate', ...distribution],
    ], { yAxis: { left: { min: 0 } } }),
    metricWidget(GLOBAL_REGION, 'Edge requests and WAF blocks', [
      ['AWS/CloudFront', 'Requests', ...distribution, { stat: 'Sum' }],
      ['AWS/WAFV2', 'BlockedRequests', ...webAcl, { stat: 'Sum' }],
    ]),
  ];
}
