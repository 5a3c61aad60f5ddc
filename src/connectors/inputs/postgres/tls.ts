/**
 * TLS as Feldera's PostgresTlsConfig sets it up: used only when a CA certificate is given
 * (`ssl_ca_pem`, or the file `ssl_ca_location`); a client certificate (`ssl_client_pem` or
 * `ssl_client_location`, or the chain file `ssl_certificate_chain_location`, leaf first) with its
 * key (`ssl_client_key` or `ssl_client_key_location`) is optional; PEM text wins over a file
 * location. Files are read when the configuration is, relative to the program's directory.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';
import { errorMessage } from '../../../errors.js';
import type { ConfigProblems } from '../../../util/config-problems.js';

const TEXT = z.string({ error: 'must be a string, or null' }).min(1, { error: 'must not be empty' }).nullish();

/** The CA options, which both Postgres connectors take. */
export const TLS_CA_OPTIONS = {
  ssl_ca_pem: TEXT,
  ssl_ca_location: TEXT,
};

/** Client certificates and host name checks, which only `postgres_input` takes (as in Feldera). */
export const TLS_CLIENT_OPTIONS = {
  ssl_client_pem: TEXT,
  ssl_client_location: TEXT,
  ssl_client_key: TEXT,
  ssl_client_key_location: TEXT,
  ssl_certificate_chain_location: TEXT,
  verify_hostname: z.boolean({ error: 'must be true or false' }).nullish(),
};

type Text = string | null | undefined;

export interface TlsSettings {
  ssl_ca_pem?: Text;
  ssl_ca_location?: Text;
  ssl_client_pem?: Text;
  ssl_client_location?: Text;
  ssl_client_key?: Text;
  ssl_client_key_location?: Text;
  ssl_certificate_chain_location?: Text;
  verify_hostname?: boolean | null | undefined;
}

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const CLIENT_FIELDS = ['ssl_client_pem', 'ssl_client_location', 'ssl_client_key', 'ssl_client_key_location', 'ssl_certificate_chain_location'] as const;

/** Node TLS options for the connection, or undefined without a CA certificate (no TLS). */
export function tlsOptions(settings: TlsSettings, baseDir: string, problems: ConfigProblems): ConnectionOptions | undefined {
  const ca = pem(settings, 'ssl_ca_pem', 'ssl_ca_location', baseDir, problems);
  if (ca === undefined) {
    for (const field of CLIENT_FIELDS) {
      if (settings[field] != null) problems.add(field, 'needs ssl_ca_pem or ssl_ca_location: TLS is used only when a CA certificate is given');
    }
    if (settings.verify_hostname === false) problems.add('verify_hostname', 'needs ssl_ca_pem or ssl_ca_location: TLS is used only when a CA certificate is given');
    return undefined;
  }
  const cert = settings.ssl_certificate_chain_location == null
    ? pem(settings, 'ssl_client_pem', 'ssl_client_location', baseDir, problems)
    : readPem('ssl_certificate_chain_location', settings.ssl_certificate_chain_location, baseDir, problems);
  const key = pem(settings, 'ssl_client_key', 'ssl_client_key_location', baseDir, problems);
  if ((cert === undefined) !== (key === undefined)) {
    problems.add(cert === undefined ? 'ssl_client_key' : 'ssl_client_pem', 'a client certificate and its key go together: give both or neither');
  }
  return {
    ca,
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    // Feldera's `verify_hostname: false` keeps checking the certificate chain, only not the name in it.
    ...(settings.verify_hostname === false ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** PEM text from its option, or else from the file its location option names. */
function pem(settings: TlsSettings, textField: keyof TlsSettings, locationField: keyof TlsSettings, baseDir: string, problems: ConfigProblems): string | undefined {
  const text = settings[textField];
  if (typeof text === 'string') {
    // Not echoed: it may be a private key.
    if (!PEM.test(text)) problems.add(textField, 'must be PEM text (starting with a line such as -----BEGIN CERTIFICATE-----)');
    return text;
  }
  const location = settings[locationField];
  return typeof location === 'string' ? readPem(locationField, location, baseDir, problems) : undefined;
}

function readPem(field: string, location: string, baseDir: string, problems: ConfigProblems): string | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(baseDir, location), 'utf8');
  } catch (error) {
    problems.add(field, `cannot read ${location}: ${errorMessage(error)}`);
    return undefined;
  }
  if (!PEM.test(text)) problems.add(field, `${location} does not hold PEM text (a line such as -----BEGIN CERTIFICATE-----)`);
  return text;
}
