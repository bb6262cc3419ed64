/**
 * `npm run cost:readme`: synthesizes the README's variants (delivery/cost/readme-variants.ts: the
 * committed settings, then every environment on Fargate), plans dev and prod of each offline, and
 * writes their monthly prices into README.md's cost block. `--help` lists the flags.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { planStackOffline, eachLimited } from '../delivery/offline-checks';
import { parsePlan } from '../delivery/plan/model';
import { estimateStack, type StackCost } from '../delivery/cost/estimate';
import { updateReadme } from '../delivery/cost/report';
import { README_ENVIRONMENTS, README_VARIANTS } from '../delivery/cost/readme-variants';
import { exitCodeOf, helpText, parseCommand } from './support/cli';
import { synthesizeApp } from './support/synth-app';

export const COMMAND = {
  invocation: 'npm run cost:readme --',
  positionals: '',
  summary: [
    'Prices dev and prod as committed (the API on EC2) and with the API on Fargate, from real offline',
    'plans (terraform, TF_PLUGIN_DIR), and writes the figures into README.md between its cost markers.',
  ].join('\n'),
  flags: {
    readme: { type: 'string', value: 'FILE', description: 'the README to update (default README.md)' },
  },
  notes: ['Exit code: 0; 64 for a usage error; 1 when a synth or a plan fails.'],
} as const;

/** Synthesizes one variant into `outDir` (the committed settings, or the variant's file), with only the environments priced. */
function synthVariant(settings: object | undefined, outDir: string): void {
  const env: NodeJS.ProcessEnv = { TM_ENVIRONMENTS: README_ENVIRONMENTS.join(',') };
  if (settings) {
    const file = path.join(outDir, 'taskmanager.config.json');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(settings, null, 2));
    env.TASKMANAGER_CONFIG = file;
  }
  synthesizeApp(outDir, env, { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function main(argv: readonly string[]): Promise<string> {
  const parsed = parseCommand(COMMAND, argv);
  if (parsed === 'help') return helpText(COMMAND);
  const readme = parsed.values.readme ?? 'README.md';
  const committed = JSON.parse(fs.readFileSync('taskmanager.config.json', 'utf8'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-readme-'));
  try {
    const jobs = README_VARIANTS.flatMap((variant, i) => {
      const outDir = path.join(work, `variant-${i}`);
      synthVariant(variant.settings?.(committed, README_ENVIRONMENTS), outDir);
      return README_ENVIRONMENTS.map((stack) => ({ label: `${stack}${variant.suffix}`, dir: path.join(outDir, 'stacks', stack) }));
    });
    const costs = new Map<string, StackCost>();
    await eachLimited(jobs, os.cpus().length, async (job) => {
      costs.set(job.label, estimateStack(job.label, parsePlan(await planStackOffline(job.dir))));
    });
    fs.writeFileSync(readme, updateReadme(fs.readFileSync(readme, 'utf8'), jobs.map((j) => costs.get(j.label)!)));
    return `${readme}: cost figures of ${jobs.map((j) => j.label).join(', ')} updated\n`;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((out) => process.stdout.write(out), (error: Error) => {
    console.error(error.message);
    process.exitCode = exitCodeOf(error);
  });
}
