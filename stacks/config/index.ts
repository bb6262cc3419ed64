/** The one typed, validated configuration of the project (SPEC T3); see load.ts for its sources. */
export { ConfigError } from '../../api/contract/config-error';
export { loadConfig, type LoadOptions, resolveConfig } from './load';
export { RESOLVED_CONFIG_FILE, RESOLVED_CONFIG_FORMAT, type ResolvedConfigFile, writeResolvedConfig } from './resolved';
export * from './schema';
