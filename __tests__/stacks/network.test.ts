import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Network } from '../../stacks/constructs/network';
import { Naming } from '../../stacks/lib/naming';
import { addressOf, environmentConfig, Json, onlyResource, resourcesOf, synthConstruct } from './synth';

setupJest();

/** The Network construct on its own, with one environment's settings. */
function networkOf(name: 'dev' | 'prod', file: Json = {}): { text: string; json: Json } {
  const env = environmentConfig(name, file);
  return synthConstruct((scope) => {
    new Network(scope, 'network', { naming: Naming.of(env), region: env.region, config: env.network, logRetentionDays: env.logRetentionDays });
  });
}

describe('Network', () => {
  const { json: dev, text: devText } = networkOf('dev');
  const { json: prod } = networkOf('prod');

  test('creates one VPC 10.0.0.0/16 with DNS support and hostnames on', () => {
    const vpc = onlyResource(dev, 'aws_vpc');
    expect(vpc).toMatchObject({ cidr_block: '10.0.0.0/16', enable_dns_support: true, enable_dns_hostnames: true });
  });

  test('creates two public and two private subnets spread over two AZs', () => {
    const subnets = resourcesOf(dev, 'aws_subnet');
    expect(subnets).toHaveLength(4);
    const byTier = (tier: string) => subnets.filter((s) => s.tags.Tier === tier);
    for (const tier of ['public', 'private']) {
      expect(byTier(tier).map((s) => s.availability_zone).sort()).toEqual(['us-east-1a', 'us-east-1b']);
    }
    expect(byTier('public').map((s) => s.cidr_block).sort()).toEqual(['10.0.0.0/24', '10.0.1.0/24']);
    expect(byTier('private').map((s) => s.cidr_block).sort()).toEqual(['10.0.10.0/24', '10.0.11.0/24']);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    expect(devText).not.toHaveResourceWithProperties(Subnet, { map_public_ip_on_launch: true });
  });

  test('routes the public subnets to one internet gateway', () => {
    const igw = onlyResource(dev, 'aws_internet_gateway');
    const igwRef = `\${${addressOf(dev, 'aws_internet_gateway', igw)}.id}`;
    const defaultRoutes = resourcesOf(dev, 'aws_route').filter((r) => r.destination_cidr_block === '0.0.0.0/0');
    expect(defaultRoutes).toHaveLength(1);
    expect(defaultRoutes[0].gateway_id).toBe(igwRef);
    const publicTable = `\${${addressOf(dev, 'aws_route_table', resourcesOf(dev, 'aws_route_table').find((t) => t.tags.Name === 'taskmanager-dev-public')!)}.id}`;
    expect(defaultRoutes[0].route_table_id).toBe(publicTable);
    const associations = resourcesOf(dev, 'aws_route_table_association');
    expect(associations).toHaveLength(4);
    expect(associations.filter((a) => a.route_table_id === publicTable)).toHaveLength(2);
  });

  test('has no NAT gateway and no private default route in dev', () => {
    expect(resourcesOf(dev, 'aws_nat_gateway')).toHaveLength(0);
    expect(resourcesOf(dev, 'aws_eip')).toHaveLength(0);
    expect(resourcesOf(dev, 'aws_route').filter((r) => r.nat_gateway_id)).toHaveLength(0);
  });

  test('adds one shared NAT gateway when configured with one', () => {
    const { json: stack } = networkOf('dev', { environments: { dev: { network: { natGateways: 1 } } } });
    const nat = onlyResource(stack, 'aws_nat_gateway');
    const natRef = `\${${addressOf(stack, 'aws_nat_gateway', nat)}.id}`;
    const natRoutes = resourcesOf(stack, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(natRoutes.map((r) => r.nat_gateway_id)).toEqual([natRef, natRef]);
    expect(onlyResource(stack, 'aws_eip').domain).toBe('vpc');
  });

  test('adds one NAT gateway per AZ when configured with two', () => {
    const { json: stack } = networkOf('prod', { environments: { prod: { network: { natGateways: 2 } } } });
    const nats = resourcesOf(stack, 'aws_nat_gateway');
    expect(nats).toHaveLength(2);
    const natRoutes = resourcesOf(stack, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(2);
  });

  test('locks the default security group down to no rules', () => {
    expect(onlyResource(dev, 'aws_default_security_group')).toMatchObject({ ingress: [], egress: [] });
  });

  test('adds the S3 gateway endpoint on every route table', () => {
    expect(devText).toHaveResourceWithProperties(VpcEndpoint, { service_name: 'com.amazonaws.us-east-1.s3', vpc_endpoint_type: 'Gateway' });
    const endpoint = onlyResource(dev, 'aws_vpc_endpoint');
    expect(endpoint.route_table_ids).toHaveLength(resourcesOf(dev, 'aws_route_table').length);
  });

  test('turns VPC flow logs on in prod only, into a log group with retention', () => {
    expect(resourcesOf(dev, 'aws_flow_log')).toHaveLength(0);
    const flowLog = onlyResource(prod, 'aws_flow_log');
    expect(flowLog).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    const group = resourcesOf(prod, 'aws_cloudwatch_log_group').find((g) => g.name.includes('flow-logs'))!;
    expect(group.retention_in_days).toBe(365);
    const role = resourcesOf(prod, 'aws_iam_role').find((r) => r.name === 'taskmanager-prod-vpc-flow-logs')!;
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: 'vpc-flow-logs.amazonaws.com' });
  });

  test('takes AZs from config so that no data source asks AWS', () => {
    const { json: stack } = networkOf('dev', { region: 'eu-west-1' });
    expect(stack.data).toBeUndefined();
    expect(resourcesOf(stack, 'aws_subnet').map((s) => s.availability_zone).sort()).toEqual([
      'eu-west-1a', 'eu-west-1a', 'eu-west-1b', 'eu-west-1b',
    ]);
  });
});
