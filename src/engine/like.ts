/**
 * LIKE patterns as regular expressions: `%` matches any run of characters, `_` exactly one, and
 * a backslash (Feldera's default escape character) makes the next character literal. The match
 * covers the whole string.
 */
import { quoteText, sqlRuntimeError } from './runtime-error.js';

// The characters a `u` regular expression lets (and needs) a backslash to make literal.
const REGEXP_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

export function likeRegExp(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern.charAt(i);
    if (c === '%') {
      source += '.*';
      continue;
    }
    if (c === '_') {
      source += '.';
      continue;
    }
    if (c === '\\') {
      i++;
      if (i >= pattern.length) throw sqlRuntimeError(`LIKE pattern ${quoteText(pattern)} ends with the escape character`);
      c = pattern.charAt(i);
    }
    source += REGEXP_SPECIAL.test(c) ? `\\${c}` : c;
  }
  // `s`: `.` matches line breaks too; `u`: `.` is one code point, not one UTF-16 unit.
  return new RegExp(`${source}$`, 'su');
}
