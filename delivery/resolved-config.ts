/**
 * The configuration a synthesized app was made with, read from the app itself
 * (`cdktf.out/taskmanager.resolved.json`, written by synth: stacks/config/resolved.ts). Everything
 * in delivery/ judges with this, never with a settings file or TM_* variables of its own, so the
 * comment, review and apply jobs see exactly what synth saw, from the artifact alone.
 */
import * as fs from 'fs';
import * as path from 'path';
import { type ProjectConfig, RESOLVED_CONFIG_FILE, RESOLVED_CONFIG_FORMAT, type ResolvedConfigFile } from '../stacks/config';

export class ResolvedConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResolvedConfigError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The resolved file of a synthesized app; throws `ResolvedConfigError` saying what is missing or wrong. */
export function readResolvedFile(synthDir: string): ResolvedConfigFile {
  const file = path.join(synthDir, RESOLVED_CONFIG_FILE);
  if (!fs.existsSync(file)) {
    throw new ResolvedConfigError(`${file} not found: the synthesized app carries no resolved configuration, so nothing can be judged with the settings it was made with. Synthesize with this version (\`npm run synth\` writes it), and keep the file in the artifact with the stacks.`);
  }
  let content: unknown;
  try {
    content = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ResolvedConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(content) || content.format !== RESOLVED_CONFIG_FORMAT) {
    const format = isObject(content) ? JSON.stringify(content.format) : 'none';
    throw new ResolvedConfigError(`${file}: format ${format}, expected "${RESOLVED_CONFIG_FORMAT}" (synthesized by another version: synthesize again)`);
  }
  const config = content.config;
  const problems = [
    !isObject(config) && 'config is not an object',
    isObject(config) && typeof config.project !== 'string' && 'config.project is missing',
    isObject(config) && !Array.isArray(config.environments) && 'config.environments is not a list',
    isObject(config) && !(isObject(config.policy) && Array.isArray(config.policy.waivers) && Array.isArray(config.policy.requiredTags)) && 'config.policy has no waivers or requiredTags list',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length) throw new ResolvedConfigError(`${file}: ${problems.join('; ')}`);
  return content as unknown as ResolvedConfigFile;
}

/** The configuration a synthesized app was made with. */
export function readResolvedConfig(synthDir: string): ProjectConfig {
  return readResolvedFile(synthDir).config;
}
