import { App } from 'cdktf';
import type { ProjectConfig } from './config';
import { BootstrapStack } from './bootstrap-stack';
import { EnvironmentStack } from './environment-stack';

export const BOOTSTRAP_STACK = 'bootstrap';

/** The whole app: the bootstrap stack and one stack per configured environment, named after it. */
export function buildApp(config: ProjectConfig, outdir?: string): App {
  const app = new App({ outdir, skipValidation: false });
  new BootstrapStack(app, BOOTSTRAP_STACK, { config });
  for (const env of config.environments) {
    new EnvironmentStack(app, env.name, { project: config.project, env });
  }
  return app;
}
