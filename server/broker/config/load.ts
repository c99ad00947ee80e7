/**
 * Reads the configuration files given to the broker: a rabbitmq.conf
 * (`.conf`, the sysctl format) and an Erlang-terms file (`.config`: a
 * classic rabbitmq.config or an advanced.config), at most one of each. As in
 * RabbitMQ, what the Erlang file sets overrides the .conf file.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { settingsFromConf } from './conf-settings.js';
import { ErlangSyntaxError, parseErlangTerm } from './erlang-terms.js';
import { settingsFromErlang } from './erlang-settings.js';
import { ConfigError, tuningProblem, type BrokerSettings } from './settings.js';
import { ConfSyntaxError, parseConf } from './sysctl-format.js';

/** The settings of the files, and warnings about what they set that is ignored. */
export function loadConfigFiles(files: readonly string[]): { settings: BrokerSettings; warnings: string[] } {
  const conf = files.filter((file) => extname(file) === '.conf');
  const erlang = files.filter((file) => extname(file) === '.config');
  const other = files.find((file) => extname(file) !== '.conf' && extname(file) !== '.config');
  if (other !== undefined) {
    throw new ConfigError(
      `${other}: a configuration file ends in .conf (the rabbitmq.conf format) or .config (Erlang terms, as in advanced.config)`,
    );
  }
  if (conf.length > 1 || erlang.length > 1) {
    throw new ConfigError(`give at most one .conf file and one .config file; got ${files.join(', ')}`);
  }
  let settings: BrokerSettings = {};
  const warnings: string[] = [];
  const [confFile] = conf;
  if (confFile !== undefined) settings = readConf(confFile);
  const [erlangFile] = erlang;
  if (erlangFile !== undefined) {
    const read = readErlang(erlangFile);
    settings = { ...settings, ...read.settings };
    warnings.push(...read.warnings);
  }
  const problem = tuningProblem(settings);
  if (problem !== undefined) throw new ConfigError(`${files.join(', ')}: ${problem}`);
  return { settings, warnings };
}

function readConf(file: string): BrokerSettings {
  const text = readText(file);
  try {
    return settingsFromConf(parseConf(text), file);
  } catch (error) {
    if (!(error instanceof ConfSyntaxError)) throw error;
    throw new ConfigError(
      `Syntax error in ${file} ${error.message}\n` +
        `  line ${error.line} is: ${error.lineText.trim()}\n` +
        '  each line of a .conf file is `key = value`, a # comment, or blank',
    );
  }
}

function readErlang(file: string): ReturnType<typeof settingsFromErlang> {
  const text = readText(file);
  try {
    return settingsFromErlang(parseErlangTerm(text), file);
  } catch (error) {
    if (!(error instanceof ErlangSyntaxError)) throw error;
    const hint = error.hint === undefined ? '' : `\n  ${error.hint}`;
    throw new ConfigError(`Failed to load advanced configuration file "${file}": ${file}:${error.message}${hint}`);
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the configuration file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
