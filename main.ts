import { ConfigError, resolveConfig, writeResolvedConfig } from './stacks/config';
import { buildApp } from './stacks/app';

// Both `npm run synth` and the cdktf CLI run this from the repository root.
try {
  const { config, sources } = resolveConfig();
  const app = buildApp(config, { projectRoot: process.cwd() });
  app.synth();
  // Beside the stacks: the jobs after synth judge with exactly this (delivery/resolved-config.ts).
  writeResolvedConfig(app.outdir, config, sources);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
