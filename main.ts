import { ConfigError, loadConfig } from './stacks/config';
import { buildApp } from './stacks/app';

// Both `npm run synth` and the cdktf CLI run this from the repository root.
try {
  buildApp(loadConfig(), { projectRoot: process.cwd() }).synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
