/**
 * The plan comment of real plans of our dev stack, made by terraform 1.11.4 with the AWS provider
 * from the local mirror (`npm run fixtures:plans` regenerates them: scripts/plan-fixtures.ts), set
 * beside Terraform's own text of the same plan (`terraform show`, the .txt next to each .json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parsePlan, type PlanJson } from '../../delivery/plan/model';
import { GITHUB_COMMENT_LIMIT, renderComment } from '../../delivery/plan/render';
import type { SynthesizedStack } from '../../delivery/plan/synthesized';

const FIXTURES = path.resolve(__dirname, '../fixtures/plans');
/** What a reviewer sees of a comment without scrolling or unfolding anything. */
const FIRST_SCREEN_LINES = 30;

const synthesized = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'dev-synthesized.json'), 'utf8')) as SynthesizedStack & { resource: Record<string, Record<string, { '//': { metadata: { path: string } } }>> };

function fixture(name: string): { plan: PlanJson; terraformText: string; comment: (options?: { maxLength?: number }) => string } {
  const plan = parsePlan(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
  const terraformText = fs.readFileSync(path.join(FIXTURES, `${name}.txt`), 'utf8');
  const comment = (options: { maxLength?: number } = {}) => renderComment([{ stack: 'dev', status: 'planned', plan }], { synthesized: () => synthesized, ...options });
  return { plan, terraformText, comment };
}

/** The part of the comment that is not folded in a <details>. */
function openPart(md: string): string {
  return md.replace(/<details>[\s\S]*?<\/details>/g, '');
}

describe('real plans of the dev stack', () => {
  it('an IAM action added is one + line on the first screen, where Terraform shows the whole Action list', () => {
    const { plan, terraformText, comment } = fixture('dev-iam-action-added');
    expect(plan.terraform_version).toBe('1.11.4');
    expect(plan.resource_changes!.map((r) => [r.type, r.change.actions.join()])).toEqual([['aws_iam_role_policy', 'update']]);
    const md = comment();
    const firstScreen = md.split('\n').slice(0, FIRST_SCREEN_LINES);
    const plusLines = firstScreen.filter((l) => l.startsWith('+'));
    expect(plusLines).toEqual(['+             action     sqs:GetQueueAttributes']);
    expect(firstScreen).toContain('          statement "SendImageJobs" (Allow):');
    // No cut prefixes of the policy JSON.
    expect(md).not.toMatch(/more characters\)/);
    // Terraform's own text adds the same action, inside the statement's rewritten Action list.
    expect(terraformText).toMatch(/^\s+\+ "sqs:GetQueueAttributes",$/m);
    expect(terraformText).toMatch(/~ Action\s+= "sqs:SendMessage" -> \[/);
  });

  it('a bucket-policy statement removed is listed with what it denied, to whom and when', () => {
    const { plan, terraformText, comment } = fixture('dev-bucket-policy-statement-removed');
    expect(plan.resource_changes!.map((r) => [r.type, r.change.actions.join()])).toEqual([['aws_s3_bucket_policy', 'update']]);
    const md = comment();
    const lines = md.split('\n');
    const at = lines.indexOf('-         statement "DenyInsecureTransport" (Deny) removed');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(FIRST_SCREEN_LINES);
    expect(lines.slice(at + 1, at + 6)).toEqual([
      '-             action     s3:*',
      expect.stringMatching(/^- {13}resource {3}arn:aws:s3:::[\w-]+$/),
      expect.stringMatching(/^- {13}resource {3}arn:aws:s3:::[\w-]+\/\*$/),
      '-             principal  *',
      '-             condition  Bool aws:SecureTransport = "false"',
    ]);
    // Terraform shows the same statement going away, each value on a - line of its own.
    const removed = terraformText.split('\n').filter((l) => /^\s+- /.test(l)).join('\n');
    expect(removed).toMatch(/- Sid\s+= "DenyInsecureTransport"/);
    for (const value of ['"s3:*"', '"aws:SecureTransport" = "false"', 'Principal = "*"']) expect(removed).toContain(value);
    for (const arn of lines.slice(at + 2, at + 4).map((l) => l.split(/\s+/).pop()!)) expect(removed).toContain(`- "${arn}"`);
  });

  it('a user_data change is the changed script line, where Terraform shows two base64 strings', () => {
    const { plan, terraformText, comment } = fixture('dev-user-data-changed');
    const template = plan.resource_changes!.find((r) => r.type === 'aws_launch_template')!;
    expect(template.change.actions).toEqual(['update']);
    const md = comment();
    expect(md).toMatch(/^-\s+\d+ {2}dnf install -y nodejs22 amazon-cloudwatch-agent$/m);
    expect(md).toMatch(/^\+\s+\d+ {2}dnf install -y nodejs22 amazon-cloudwatch-agent jq$/m);
    expect(terraformText).not.toContain('amazon-cloudwatch-agent jq');
    expect(terraformText).toMatch(/~ user_data\s+= "IyEv/);
  });

  describe('a replacement', () => {
    const { plan, terraformText, comment } = fixture('dev-database-replaced');
    const db = plan.resource_changes!.find((r) => r.type === 'aws_db_instance')!;
    const unknownLines = (text: string) => text.split('\n').filter((l) => l.includes('known after apply'));
    const block = (md: string, heading: string) => md.split('\n\n').find((b) => b.includes(`# ${heading}`))!;

    it('has at most five known-after-apply lines, where Terraform prints dozens', () => {
      expect(db.change.actions).toEqual(['delete', 'create']);
      expect(plan.resource_changes!.length).toBeGreaterThan(5);
      expect(unknownLines(comment()).length).toBeLessThanOrEqual(5);
      expect(unknownLines(terraformText).length).toBeGreaterThan(30);
    });

    it('folds the values the provider computes for the new database into its resource line', () => {
      const dbBlock = block(comment(), db.address);
      expect(unknownLines(dbBlock)).toEqual([]);
      expect(dbBlock).toMatch(/^-\/\+ resource "aws_db_instance" \(dev\/database\/instance\) · computed on apply: address, arn, availability_zone and \d+ more$/m);
      expect(dbBlock).toContain('!     username: "admin" -> "dbadmin"   # forces replacement');
      expect(comment()).toContain('data-loss risk');
    });

    it('lists each update that only takes the new database\'s values on one line, with what it reads', () => {
      const md = comment();
      const updates = plan.resource_changes!.filter((r) => r.change.actions.join() === 'update');
      expect(updates.length).toBeGreaterThanOrEqual(5);
      const followers = block(md, `${updates.length} resources updated in place only to take new values of other changes in this plan (known after apply):`).split('\n').filter((l) => l.startsWith('! '));
      expect(followers.map((l) => l.split(' ')[1]).sort()).toEqual(updates.map((r) => r.address).sort());
      for (const line of followers.filter((l) => !l.includes('aws_autoscaling_group'))) expect(line).toMatch(new RegExp(`: [\\w.\\[\\]]+ <- ${db.address.replace('.', '\\.')} \\(`));
      expect(followers.find((l) => l.includes('aws_autoscaling_group'))).toMatch(/: launch_template\[0\]\.version <- aws_launch_template\.[\w-]+ \(latest_version\)$/);
      // Never a line per old value of a map that becomes unknown as a whole.
      expect(md).not.toMatch(/^- {5}environment\[0\]\.variables\./m);
    });

    it('keeps a replacement the database forces as a block of its own, naming what it reads', () => {
      const forced = plan.resource_changes!.filter((r) => r !== db && r.change.actions.join() === 'delete,create');
      expect(forced.map((r) => r.type)).toEqual(['aws_lambda_invocation']);
      expect(unknownLines(block(comment(), forced[0].address))).toEqual([`~     (known after apply: triggers (changes) (forces replacement); from ${db.address} (resource_id))`]);
    });
  });

  describe('a full create of dev', () => {
    const { plan, comment } = fixture('dev-created');
    const creates = plan.resource_changes!.filter((r) => r.change.actions.join() === 'create');

    it('shows every IAM role, policy and security group outside the folded details, and counts every construct', () => {
      const md = comment();
      expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
      const open = openPart(md);
      const risky = creates.filter((r) => /^aws_iam_role$|^aws_iam_role_policy$|^aws_security_group$|_policy$/.test(r.type) && r.type !== 'aws_autoscaling_policy' && r.type !== 'aws_cloudfront_response_headers_policy' && r.type !== 'aws_ecr_lifecycle_policy');
      expect(risky.length).toBeGreaterThanOrEqual(16);
      for (const r of risky) expect(open).toContain(r.address);
      // Every construct (the first level under the stack) with its count; the counts add up to the plan's.
      const counted = [...open.matchAll(/^(dev\/[\w-]+): (\d+) resources?/gm)].map((m) => [m[1], Number(m[2])] as const);
      const groups = new Set(Object.values(synthesized.resource).flatMap((byName) => Object.values(byName).map((r) => r['//'].metadata.path.split('/').slice(0, 2).join('/'))));
      expect(counted.map(([g]) => g).sort()).toEqual([...groups].sort());
      expect(counted.reduce((n, [, c]) => n + c, 0)).toBe(creates.length);
      expect(open).toContain('dev/api: 21 resources, 4 IAM, 5 network, 4 stateful');
      // Who is trusted, which actions, what is open to where.
      expect(open).toContain('trust: Allow sts:AssumeRole to Service ec2.amazonaws.com');
      expect(open).toContain('Allow sqs:SendMessage on ${aws_sqs_queue.worker_queue_3B12C5E3.arn}');
      expect(open).toMatch(/ingress tcp 443 from 10\.0\.0\.0\/16 into/);
      expect(open).toContain('instances get a public IP address');
    });

    it('keeps those facts when the details must be cut to fit', () => {
      const md = comment({ maxLength: 20_000 });
      expect(md.length).toBeLessThanOrEqual(20_000);
      expect(md).toMatch(/more resource blocks? not shown/);
      for (const r of creates.filter((x) => x.type === 'aws_iam_role' || x.type === 'aws_security_group')) expect(openPart(md)).toContain(r.address);
    });
  });
});
