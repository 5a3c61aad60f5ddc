import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../../../', import.meta.url);

test('the package entry point loads with plain node and exports openDynamoDBOutput, with type declarations', () => {
  // Importing by package name from inside the package resolves through its `exports` map.
  const output = execFileSync(process.execPath, [
    '--input-type=module', '-e',
    "const m = await import('dynaview'); console.log(typeof m.openDynamoDBOutput, typeof m.DynaviewError, typeof m.startDynamoDBLocal);",
  ], { cwd: root, encoding: 'utf8' });
  assert.equal(output.trim(), 'function function function');
  const declarations = readFileSync(new URL('dist/index.d.ts', root), 'utf8');
  assert.match(declarations, /openDynamoDBOutput/);
  const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { type: string; exports: Record<string, { types: string; import: string }> };
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.exports['.']?.types, './dist/index.d.ts');
});
