/**
 * The configuration synth resolved, written next to the stacks it shaped
 * (`cdktf.out/taskmanager.resolved.json`), so that every later job (the plan comment, the policy
 * and cost checks, the review after a merge) judges with exactly what was synthesized, from the
 * artifact alone: no settings file, no TM_* variables. delivery/resolved-config.ts reads it.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ProjectConfig } from './schema';

export const RESOLVED_CONFIG_FILE = 'taskmanager.resolved.json';
/** The file's format; a reader refuses another. */
export const RESOLVED_CONFIG_FORMAT = 'taskmanager.resolved/v1';

export interface ResolvedConfigFile {
  readonly format: typeof RESOLVED_CONFIG_FORMAT;
  /** Where the settings came from: the file read (relative to the working directory), and the environment variables that overrode it. */
  readonly sources: { readonly file?: string; readonly environment: readonly string[] };
  /** The validated configuration with every default and derived value filled in; the waivers are `config.policy.waivers`. */
  readonly config: ProjectConfig;
}

export function writeResolvedConfig(outdir: string, config: ProjectConfig, sources: ResolvedConfigFile['sources']): string {
  const file = path.join(outdir, RESOLVED_CONFIG_FILE);
  const content: ResolvedConfigFile = { format: RESOLVED_CONFIG_FORMAT, sources, config };
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}
