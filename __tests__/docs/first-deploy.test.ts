/** One walkthrough of the first deploy (docs/first-deploy.md); the README and delivery.md point to it and do not contradict it. */
import * as fs from 'fs';
import * as path from 'path';

const read = (file: string): string => fs.readFileSync(path.join(__dirname, '../..', file), 'utf8');
const walkthrough = read('docs/first-deploy.md');
const readme = read('README.md');
const delivery = read('docs/delivery.md');

describe('the first-deploy walkthrough', () => {
  test('goes in order: settings, bootstrap, GitHub, Bedrock, the first pull request, the alarm e-mails, the URL', () => {
    const steps = [...walkthrough.matchAll(/^### \d+\. (.+)$/gm)].map((m) => m[1]);
    expect(steps).toEqual([
      'Choose the region and the settings, and commit them',
      'Bootstrap, by hand, once',
      'GitHub: variables and environments',
      'Bedrock: turn on the image model',
      'The first pull request',
      'Confirm the alarm e-mails',
      'The URL',
    ]);
  });

  test("names bootstrap's outputs and the GitHub variables exactly as the stacks and workflows agree on them", () => {
    for (const output of ['plan_role_arn_dev', 'plan_role_arn_prod', 'apply_role_arn_dev', 'apply_role_arn_prod', 'state_bucket', 'state_region']) {
      expect(walkthrough).toContain(`\`${output}\``);
    }
    expect(walkthrough).toMatch(/`plan_role_arn_dev` .*\| repository variable `AWS_PLAN_ROLE_ARN_DEV` \|/);
    expect(walkthrough).toMatch(/`apply_role_arn_prod` .*\| variable `AWS_APPLY_ROLE_ARN` of the GitHub environment `prod` \|/);
    expect(walkthrough).toContain('`AWS_REGION` is **not** an output of bootstrap');
  });

  test('says that a direct push to main applies nothing, and the README no longer says it applies dev and prod', () => {
    expect(walkthrough).toContain('A direct\npush to `main` applies nothing');
    expect(readme).not.toMatch(/and push: `main` applies `dev` and `prod`/);
    expect(readme).not.toMatch(/Its outputs are the variables the workflows need \(`AWS_PLAN_ROLE_ARN`/);
  });

  test('is where the README and delivery.md send a new user', () => {
    expect(readme).toContain('[docs/first-deploy.md](docs/first-deploy.md)');
    expect(delivery).toContain('[first-deploy.md](first-deploy.md)');
    expect(delivery).not.toMatch(/`AWS_PLAN_ROLE_ARN`, `AWS_REGION`, `TM_STATE_BUCKET`/);
  });
});
