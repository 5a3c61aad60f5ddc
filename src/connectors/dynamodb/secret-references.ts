/**
 * Secrets kept out of the program text: in a `dynamodb_output` configuration, a credential option
 * may be written as `"${env:NAME}"` and takes the value of the environment variable NAME when the
 * program is loaded. Only the credential options take references, because only their values are
 * never repeated in messages, logs or settings; a reference anywhere else in the configuration is
 * reported rather than taken literally.
 */
import type { ConfigProblem } from '../../errors.js';
import { isPlainObject } from '../../util/config-problems.js';
import { SECRET_FIELDS } from './config.js';

const REFERENCE = /^\$\{env:(.*)\}$/s;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ResolvedReferences {
  /** The configuration with every resolvable reference replaced by its variable's value. */
  config: unknown;
  /** One problem per option whose reference cannot be resolved; such options keep the reference text. */
  problems: ConfigProblem[];
}

export function resolveSecretReferences(config: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedReferences {
  if (!isPlainObject(config)) return { config, problems: [] };
  const resolved: Record<string, unknown> = { ...config };
  const problems: ConfigProblem[] = [];
  for (const [field, value] of Object.entries(config)) {
    const reference = typeof value === 'string' ? REFERENCE.exec(value) : null;
    if (!reference) continue;
    const variable = reference[1] ?? '';
    if (!SECRET_FIELDS.has(field)) {
      problems.push({ field, message: `takes no environment reference: "\${env:...}" is supported only in ${[...SECRET_FIELDS].join(' and ')}` });
    } else if (!VARIABLE_NAME.test(variable)) {
      // Not echoed: text that is not a variable name may be the secret itself, pasted into the reference.
      problems.push({ field, message: 'the reference does not name an environment variable (letters, digits and "_", not starting with a digit)' });
    } else if (env[variable] === undefined) {
      problems.push({ field, message: `environment variable ${variable} is not set` });
    } else if (env[variable].trim() === '') {
      problems.push({ field, message: `environment variable ${variable} is empty` });
    } else {
      resolved[field] = env[variable];
    }
  }
  return { config: resolved, problems };
}
