/**
 * Cost guards: hourly-billed networking only where the environment's config asks for it, and
 * instance and database classes only from the environment's allow-list. A stack of no
 * environment (bootstrap) asks for none of these.
 */
import { resourceRule, type Rule, show } from '../rule';
import type { StackView } from '../stack';

/** NAT gateways the environment's config asks for (network.natGateways). */
function natGatewaysAsked(stack: StackView): number {
  return stack.environment?.network.natGateways ?? 0;
}

/** Whether the environment asks for interface endpoints (policy.interfaceEndpoints). */
function interfaceEndpointsAsked(stack: StackView): boolean {
  return stack.environment?.policy.interfaceEndpoints ?? false;
}

function allowList(stack: StackView, kind: 'instanceTypes' | 'databaseClasses'): readonly string[] {
  return stack.environment?.policy[kind] ?? [];
}

/** A class or type only from the environment's allow-list (`policy.<kind>`). */
function allowListRule(id: string, what: string, kind: 'instanceTypes' | 'databaseClasses', attribute: string, types: string[]): Rule {
  return resourceRule({
    id,
    severity: 'high',
    title: `${what} from the environment's allow-list`,
    fix: `Use a value from policy.${kind}, or add it to that list in a reviewed change`,
    types,
    check: (r, stack) => {
      const allowed = allowList(stack, kind);
      return allowed.includes(String(r.body[attribute])) ? undefined : `${attribute} ${show(r.body[attribute])} is not in policy.${kind} (${allowed.join(', ') || 'none'})`;
    },
  });
}

export const SPEND_RULES: readonly Rule[] = [
  resourceRule({
    id: 'TM_COST_NAT_GATEWAY',
    severity: 'high',
    title: 'NAT gateways only where the environment asks for them',
    fix: 'Remove the NAT gateway, or set network.natGateways for the environment (each costs per hour and per GB)',
    types: ['aws_nat_gateway'],
    check: (_nat, stack) => {
      const asked = natGatewaysAsked(stack);
      const found = stack.ofType('aws_nat_gateway').length;
      return found > asked ? `the stack has ${found} NAT gateway${found === 1 ? '' : 's'}, its config asks for ${asked} (network.natGateways)` : undefined;
    },
  }),
  resourceRule({
    id: 'TM_COST_INTERFACE_ENDPOINT',
    severity: 'high',
    title: 'VPC interface endpoints only where the environment asks for them',
    fix: 'Remove the endpoint, or set policy.interfaceEndpoints for the environment (each costs per AZ-hour and per GB)',
    types: ['aws_vpc_endpoint'],
    appliesTo: (endpoint) => endpoint.body.vpc_endpoint_type === 'Interface',
    check: (_endpoint, stack) => (interfaceEndpointsAsked(stack) ? undefined : 'an interface endpoint, but the environment does not ask for any (policy.interfaceEndpoints)'),
  }),
  allowListRule('TM_COST_INSTANCE_TYPE', 'EC2 instance types', 'instanceTypes', 'instance_type', ['aws_launch_template', 'aws_instance']),
  allowListRule('TM_COST_DB_CLASS', 'RDS classes', 'databaseClasses', 'instance_class', ['aws_db_instance', 'aws_rds_cluster_instance']),
];
