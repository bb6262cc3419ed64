/**
 * What the API service's load balancer part and its two compute parts (EC2 instances, Fargate
 * tasks) agree on.
 */
import type { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import type { GrantableRole } from '../lib/role';
import type { DashboardWidget } from './observability';

/** The average CPU the instances or tasks aim for (SPEC C2). */
export const CPU_TARGET_PERCENT = 70;

/** What the load balancer part hands a compute part: where to register, and what to scale on. */
export interface ApiTarget {
  readonly targetGroup: LbTargetGroup;
  /** The listener that forwards to the target group (ECS refuses a target group no listener uses). */
  readonly listener: LbListener;
  /** `<load balancer suffix>/<target group suffix>`: the label of the requests-per-target metric. */
  readonly resourceLabel: string;
}

/** What either compute part gives the service. */
export interface ApiCompute {
  /** What the API runs as: other constructs grant it access to what they own. */
  readonly role: GrantableRole;
  /** The compute's own graphs (CPU, memory) for the dashboard. */
  dashboardWidgets(region: string): DashboardWidget[];
}
