import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import type { NetworkConfig } from '../config';
import { policyDocument, serviceTrustPolicy } from '../lib/iam';
import { Naming } from '../lib/naming';

export interface NetworkProps {
  /** Resource names (`Name` tags). */
  readonly naming: Naming;
  /** Region of the VPC (the S3 gateway endpoint's service name). */
  readonly region: string;
  /** CIDRs, AZs, NAT gateways and flow logs. */
  readonly config: NetworkConfig;
  /** Retention of the flow-log group, when flow logs are on. */
  readonly logRetentionDays: number;
}

/**
 * The VPC (SPEC N1-N5): two public and two private subnets over two AZs, an Internet Gateway,
 * NAT gateways only when configured, the free S3 gateway endpoint, a default security group with
 * no rules, and optional flow logs.
 */
export class Network extends Construct {
  readonly vpcId: string;
  readonly vpcArn: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  /** True when private subnets route to the internet through NAT (app instances can live there). */
  readonly hasNat: boolean;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { naming, config } = props;

    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: config.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: naming.nameTag('vpc'),
    });
    this.vpcId = vpc.id;
    this.vpcArn = vpc.arn;

    // No rules at all: nothing may rely on the default group, every resource gets its own.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: vpc.id, ingress: [], egress: [], tags: naming.nameTag('default-locked') });

    const igw = new InternetGateway(this, 'igw', { vpcId: vpc.id, tags: naming.nameTag('igw') });

    const subnets = (tier: 'public' | 'private', cidrs: readonly string[]) =>
      cidrs.map(
        (cidr, i) =>
          new Subnet(this, `${tier}-${i}`, {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: config.availabilityZones[i],
            // Instances that need a public address ask for one in their launch template.
            mapPublicIpOnLaunch: false,
            tags: { ...naming.nameTag(tier, config.availabilityZones[i]), Tier: tier },
          }),
      );
    const publicSubnets = subnets('public', config.publicSubnetCidrs);
    const privateSubnets = subnets('private', config.privateSubnetCidrs);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);

    const publicRouteTable = new RouteTable(this, 'public-rt', { vpcId: vpc.id, tags: naming.nameTag('public') });
    new Route(this, 'public-default-route', {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });
    publicSubnets.forEach((subnet, i) =>
      new RouteTableAssociation(this, `public-rta-${i}`, { subnetId: subnet.id, routeTableId: publicRouteTable.id }),
    );

    // One private route table per AZ, so that a NAT gateway per AZ keeps traffic in its zone.
    const natGateways = Array.from({ length: config.natGateways }, (_, i) => {
      const eip = new Eip(this, `nat-eip-${i}`, { domain: 'vpc', tags: naming.nameTag('nat', String(i)) });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        tags: naming.nameTag('nat', config.availabilityZones[i]),
        dependsOn: [igw],
      });
    });
    this.hasNat = natGateways.length > 0;
    const privateRouteTables = privateSubnets.map((subnet, i) => {
      const table = new RouteTable(this, `private-rt-${i}`, {
        vpcId: vpc.id,
        tags: naming.nameTag('private', config.availabilityZones[i]),
      });
      new RouteTableAssociation(this, `private-rta-${i}`, { subnetId: subnet.id, routeTableId: table.id });
      if (this.hasNat) {
        new Route(this, `private-default-route-${i}`, {
          routeTableId: table.id,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: natGateways[Math.min(i, natGateways.length - 1)].id,
        });
      }
      return table;
    });

    new VpcEndpoint(this, 's3-endpoint', {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [publicRouteTable.id, ...privateRouteTables.map((t) => t.id)],
      tags: naming.nameTag('s3-endpoint'),
    });

    if (config.flowLogs) this.addFlowLogs(vpc, naming, props.logRetentionDays);
  }

  private addFlowLogs(vpc: Vpc, naming: Naming, retentionInDays: number): void {
    const logGroup = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: `/vpc/${naming.name('flow-logs')}`,
      retentionInDays,
    });
    const role = new IamRole(this, 'flow-log-role', {
      name: naming.name('vpc-flow-logs'),
      assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com'),
    });
    new IamRolePolicy(this, 'flow-log-policy', {
      role: role.id,
      name: 'write-flow-logs',
      policy: policyDocument({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [logGroup.arn, `${logGroup.arn}:*`],
      }),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}
