import { ConfigError, loadConfig } from './stacks/config';
import { buildApp } from './stacks/app';

try {
  buildApp(loadConfig()).synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
