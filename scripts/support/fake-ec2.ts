/**
 * A stand-in for the EC2 API on 127.0.0.1, for plans made without an AWS account: it answers
 * DescribeSecurityGroups (what the stack's `aws_security_group` data source reads once its filters
 * are known, as they are in a plan against an applied state) with one group of the name and VPC
 * asked for. Any other action is an error that names it, so a new data source fails loudly.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface FakeEc2 {
  readonly url: string;
  close(): Promise<void>;
}

function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The values of the filter named `name` in an EC2 Query API form body. */
function filterValue(form: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of form) {
    const m = /^Filter\.(\d+)\.Name$/.exec(key);
    if (m && value === name) return form.get(`Filter.${m[1]}.Value.1`) ?? undefined;
  }
  return undefined;
}

function describeSecurityGroups(form: URLSearchParams): string {
  const name = filterValue(form, 'group-name') ?? 'fixture-group';
  const vpc = filterValue(form, 'vpc-id') ?? 'vpc-00000000000000000';
  return `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>00000000-0000-0000-0000-000000000000</requestId>
  <securityGroupInfo>
    <item>
      <ownerId>123456789012</ownerId>
      <groupId>sg-0f1f2f3f4f5f6f7f8</groupId>
      <groupName>${xml(name)}</groupName>
      <groupDescription>${xml(name)}</groupDescription>
      <vpcId>${xml(vpc)}</vpcId>
      <securityGroupArn>arn:aws:ec2:us-east-1:123456789012:security-group/sg-0f1f2f3f4f5f6f7f8</securityGroupArn>
      <ipPermissions/>
      <ipPermissionsEgress/>
      <tagSet/>
    </item>
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>`;
}

export async function startFakeEc2(): Promise<FakeEc2> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const action = form.get('Action');
      if (action === 'DescribeSecurityGroups') {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(describeSecurityGroups(form));
        return;
      }
      res.writeHead(400, { 'content-type': 'text/xml' }).end(`<Response><Errors><Error><Code>UnsupportedOperation</Code><Message>the fixtures' stand-in for EC2 does not answer ${xml(String(action))}: add it to scripts/support/fake-ec2.ts</Message></Error></Errors><RequestID>0</RequestID></Response>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
