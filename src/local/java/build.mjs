// Compiles LoopbackLauncher.java for Java 17 and embeds the class in ../loopback-launcher-class.ts,
// so that running dynaview needs only a Java runtime, not a compiler.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'dynaview-launcher-'));
try {
  execFileSync('javac', ['--release', '17', '-d', out, join(here, 'LoopbackLauncher.java')], { stdio: 'inherit' });
  const base64 = readFileSync(join(out, 'LoopbackLauncher.class')).toString('base64');
  const lines = base64.match(/.{1,100}/g).map((line) => `  '${line}',`).join('\n');
  writeFileSync(join(here, '..', 'loopback-launcher-class.ts'), `/**
 * LoopbackLauncher.class, compiled from java/LoopbackLauncher.java by java/build.mjs (do not edit;
 * run \`node src/local/java/build.mjs\` after changing the Java source).
 */
export const LOOPBACK_LAUNCHER_CLASS = Buffer.from([
${lines}
].join(''), 'base64');
`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
