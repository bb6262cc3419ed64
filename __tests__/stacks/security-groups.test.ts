import { environmentStack, Json, refTo, resourcesOf } from './synth';

const WORLD = ['0.0.0.0/0', '::/0'];

/** Every ingress path into a stack's security groups: [group, port range, source]. */
function ingressPaths(stack: Json): { group: string; from: number; to: number; source: string }[] {
  const nameOf = (ref: string) => resourcesOf(stack, 'aws_security_group').find((g) => refTo(stack, 'aws_security_group', g, 'id') === ref)?.name ?? ref;
  const standalone = resourcesOf(stack, 'aws_vpc_security_group_ingress_rule').map((r) => ({
    group: nameOf(r.security_group_id),
    from: r.from_port,
    to: r.to_port,
    source: r.cidr_ipv4 ?? r.cidr_ipv6 ?? nameOf(r.referenced_security_group_id),
  }));
  const inline = [...resourcesOf(stack, 'aws_security_group'), ...resourcesOf(stack, 'aws_default_security_group')].flatMap((g) =>
    (g.ingress ?? []).flatMap((r: Json) =>
      [...(r.cidr_blocks ?? []), ...(r.ipv6_cidr_blocks ?? [])].map((source: string) => ({ group: g.name, from: r.from_port, to: r.to_port, source })),
    ),
  );
  return [...standalone, ...inline];
}

describe('Security groups', () => {
  const dev = environmentStack('dev');
  const prod = environmentStack('prod');

  test.each([
    ['dev', dev],
    ['prod', prod],
  ])('open nothing to the world in %s: viewers reach only CloudFront', (_name, stack) => {
    expect(ingressPaths(stack).filter((p) => WORLD.includes(p.source))).toEqual([]);
  });

  test.each([
    ['dev', dev],
    ['prod', prod],
  ])('let only the CloudFront VPC origin\'s own group reach the load balancer, on 80, in %s: no subnet, nothing else in the VPC', (name, stack) => {
    const originGroup = '${' + `data.aws_security_group.${Object.keys(stack.data.aws_security_group)[0]}.id}`;
    expect(Object.values(stack.data.aws_security_group)).toEqual([expect.objectContaining({ name: 'CloudFront-VPCOrigins-Service-SG' })]);
    expect(ingressPaths(stack).filter((p) => p.group === `taskmanager-${name}-alb`)).toEqual([
      { group: `taskmanager-${name}-alb`, from: 80, to: 80, source: originGroup },
    ]);
  });

  test('let the app port be reached only from the load balancer, MySQL only from the app and the two database functions, endpoints from the VPC', () => {
    const internal = ingressPaths(dev).filter((p) => p.group !== 'taskmanager-dev-alb');
    expect(internal).toEqual([
      { group: 'taskmanager-dev-app', from: 3000, to: 3000, source: 'taskmanager-dev-alb' },
      { group: 'taskmanager-dev-db', from: 3306, to: 3306, source: 'taskmanager-dev-app' },
      { group: 'taskmanager-dev-db', from: 3306, to: 3306, source: 'taskmanager-dev-db-migrate' },
      { group: 'taskmanager-dev-db', from: 3306, to: 3306, source: 'taskmanager-dev-db-setup' },
      { group: 'taskmanager-dev-endpoints', from: 443, to: 443, source: '10.0.0.0/16' },
    ]);
  });

  test('open no SSH anywhere', () => {
    expect(ingressPaths(dev).filter((p) => p.from <= 22 && 22 <= p.to)).toEqual([]);
  });

  test('let the load balancer send only to the app port, the app and the set-up function only HTTPS out and MySQL to the database, the migration function only MySQL', () => {
    const nameOf = (ref: string) => resourcesOf(dev, 'aws_security_group').find((g) => refTo(dev, 'aws_security_group', g, 'id') === ref)?.name;
    const egress = resourcesOf(dev, 'aws_vpc_security_group_egress_rule').map((r) => [nameOf(r.security_group_id), r.from_port, r.cidr_ipv4 ?? nameOf(r.referenced_security_group_id)]);
    expect(egress).toEqual([
      ['taskmanager-dev-alb', 3000, 'taskmanager-dev-app'],
      ['taskmanager-dev-app', 3306, 'taskmanager-dev-db'],
      ['taskmanager-dev-app', 443, '0.0.0.0/0'],
      ['taskmanager-dev-db-migrate', 3306, 'taskmanager-dev-db'],
      ['taskmanager-dev-db-setup', 3306, 'taskmanager-dev-db'],
      ['taskmanager-dev-db-setup', 443, '0.0.0.0/0'],
    ]);
  });

  test('describe every group and every rule', () => {
    const all = [
      ...resourcesOf(dev, 'aws_security_group'),
      ...resourcesOf(dev, 'aws_vpc_security_group_ingress_rule'),
      ...resourcesOf(dev, 'aws_vpc_security_group_egress_rule'),
    ];
    expect(all.length).toBe(18);
    expect(all.filter((r) => !r.description || r.description.length < 10)).toEqual([]);
  });
});
