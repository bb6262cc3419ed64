import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Naming } from '../lib/naming';
import { MYSQL_PORT } from './database';

export interface SecurityGroupsProps {
  /** Group names. */
  readonly naming: Naming;
  /** The VPC the groups belong to. */
  readonly vpcId: string;
  /** Port the API listens on. */
  readonly appPort: number;
  /** Open 443 on the load balancer (a certificate is configured). */
  readonly https: boolean;
}

const ANYWHERE = '0.0.0.0/0';

/**
 * Who may reach whom (SPEC C4), in one place: the world reaches the load balancer on 80/443,
 * the load balancer reaches the app port, the app reaches MySQL, and nothing else. Rules are
 * separate resources so that the groups can reference each other without a cycle; there is no
 * SSH anywhere (operators use SSM Session Manager).
 */
export class SecurityGroups extends Construct {
  readonly loadBalancer: SecurityGroup;
  readonly app: SecurityGroup;
  readonly database: SecurityGroup;

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
    this.loadBalancer = group('alb', 'Load balancer: HTTP(S) from the internet, forwards to the API instances');
    this.app = group('app', 'API instances: the app port from the load balancer only');
    this.database = group('db', 'RDS MySQL: 3306 from the API instances only');

    const publicPorts = props.https ? [80, 443] : [80];
    for (const port of publicPorts) {
      new VpcSecurityGroupIngressRule(this, `alb-in-${port}`, {
        securityGroupId: this.loadBalancer.id,
        description: `${port === 443 ? 'HTTPS' : 'HTTP'} from the internet`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: ANYWHERE,
      });
    }
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
    // The database group has no egress rule: RDS answers on established connections only.
  }
}
