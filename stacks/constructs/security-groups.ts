import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Naming } from '../lib/naming';
import { MYSQL_PORT } from '../../api/contract/database';

export interface SecurityGroupsProps {
  /** Group names. */
  readonly naming: Naming;
  /** The VPC the groups belong to. */
  readonly vpcId: string;
  /** Port the API listens on. */
  readonly appPort: number;
  /** The VPC's CIDR: an interface endpoint admits HTTPS from inside it. */
  readonly vpcCidr: string;
}

/** The load balancer's listener: plain HTTP inside the VPC (viewers get HTTPS from CloudFront). */
export const LOAD_BALANCER_PORT = 80;

const ANYWHERE = '0.0.0.0/0';

/**
 * Who may reach whom (SPEC C4), in one place: CloudFront's VPC origin reaches the internal load
 * balancer (`admitEdgeOrigin`, once the edge exists), the load balancer reaches the app port, the
 * app and the database functions reach MySQL, and nothing else. Rules are separate resources so
 * that the groups can reference each other without a cycle; there is no SSH anywhere (operators
 * use SSM Session Manager).
 */
export class SecurityGroups extends Construct {
  readonly loadBalancer: SecurityGroup;
  readonly app: SecurityGroup;
  readonly database: SecurityGroup;
  /** The database set-up function: MySQL to the database, HTTPS out (Secrets Manager). */
  readonly databaseSetup: SecurityGroup;
  /** The migration function: MySQL to the database, nothing else. */
  readonly databaseMigrations: SecurityGroup;
  /** Interface endpoints: HTTPS from inside the VPC. */
  readonly endpoints: SecurityGroup;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    const { naming, vpcId, appPort } = props;
    const group = (name: string, description: string) =>
      new SecurityGroup(this, name, {
        name: naming.name(name),
        description,
        vpcId,
        tags: naming.nameTag(name),
        // A replacement group must exist before the old one goes, or its ENIs block the delete.
        lifecycle: { createBeforeDestroy: true },
      });
    this.loadBalancer = group('alb', 'Internal load balancer: HTTP from CloudFront VPC origin, forwards to the API instances');
    this.app = group('app', 'API instances: the app port from the load balancer only');
    this.database = group('db', 'RDS MySQL: 3306 from the API instances and the set-up function only');
    this.databaseSetup = group('db-setup', 'Database set-up function: MySQL to the database, HTTPS to Secrets Manager');
    this.databaseMigrations = group('db-migrate', 'Database migration function: MySQL to the database only');
    this.endpoints = group('endpoints', 'Interface endpoints: HTTPS from inside the VPC');

    new VpcSecurityGroupEgressRule(this, 'alb-out-app', {
      securityGroupId: this.loadBalancer.id,
      description: 'To the API instances on the app port',
      ipProtocol: 'tcp',
      fromPort: appPort,
      toPort: appPort,
      referencedSecurityGroupId: this.app.id,
    });

    new VpcSecurityGroupIngressRule(this, 'app-in-alb', {
      securityGroupId: this.app.id,
      description: 'App port from the load balancer',
      ipProtocol: 'tcp',
      fromPort: appPort,
      toPort: appPort,
      referencedSecurityGroupId: this.loadBalancer.id,
    });
    new VpcSecurityGroupEgressRule(this, 'app-out-https', {
      securityGroupId: this.app.id,
      description: 'HTTPS to AWS APIs (S3, Secrets Manager, SSM, CloudWatch, SQS) and the OS package repositories',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: ANYWHERE,
    });
    new VpcSecurityGroupEgressRule(this, 'app-out-db', {
      securityGroupId: this.app.id,
      description: 'MySQL to the database',
      ipProtocol: 'tcp',
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      referencedSecurityGroupId: this.database.id,
    });

    new VpcSecurityGroupIngressRule(this, 'db-in-app', {
      securityGroupId: this.database.id,
      description: 'MySQL from the API instances',
      ipProtocol: 'tcp',
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      referencedSecurityGroupId: this.app.id,
    });
    new VpcSecurityGroupIngressRule(this, 'db-in-setup', {
      securityGroupId: this.database.id,
      description: 'MySQL from the database set-up function',
      ipProtocol: 'tcp',
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      referencedSecurityGroupId: this.databaseSetup.id,
    });
    new VpcSecurityGroupEgressRule(this, 'setup-out-db', {
      securityGroupId: this.databaseSetup.id,
      description: 'MySQL to the database',
      ipProtocol: 'tcp',
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      referencedSecurityGroupId: this.database.id,
    });
    new VpcSecurityGroupEgressRule(this, 'setup-out-https', {
      securityGroupId: this.databaseSetup.id,
      description: 'HTTPS to Secrets Manager (its endpoint in the VPC, or through NAT)',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: ANYWHERE,
    });
    new VpcSecurityGroupIngressRule(this, 'db-in-migrate', {
      securityGroupId: this.database.id,
      description: 'MySQL from the database migration function',
      ipProtocol: 'tcp',
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      referencedSecurityGroupId: this.databaseMigrations.id,
    });
    new VpcSecurityGroupEgressRule(this, 'migrate-out-db', {
      securityGroupId: this.databaseMigrations.id,
      description: 'MySQL to the database (the IAM token is signed inside the function: nothing else to reach)',
      ipProtocol: 'tcp',
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      referencedSecurityGroupId: this.database.id,
    });
    new VpcSecurityGroupIngressRule(this, 'endpoints-in-vpc', {
      securityGroupId: this.endpoints.id,
      description: 'HTTPS from inside the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });
    // The database and endpoint groups have no egress rule: they answer on established connections only.
  }

  /**
   * Lets the CloudFront VPC origin reach the load balancer's listener, and nothing else in the VPC:
   * `originSecurityGroupId` is the group AWS puts on the origin's network interfaces
   * (`CloudFront-VPCOrigins-Service-SG`, see Edge). Not the private subnets' CIDRs, which would
   * admit every instance, function and interface in them, past the WAF.
   */
  admitEdgeOrigin(originSecurityGroupId: string): void {
    new VpcSecurityGroupIngressRule(this, 'alb-in-edge-origin', {
      securityGroupId: this.loadBalancer.id,
      description: 'HTTP from the CloudFront VPC origin (its AWS-managed security group) only',
      ipProtocol: 'tcp',
      fromPort: LOAD_BALANCER_PORT,
      toPort: LOAD_BALANCER_PORT,
      referencedSecurityGroupId: originSecurityGroupId,
    });
  }
}
