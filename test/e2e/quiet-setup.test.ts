/**
 * Setting up and asking for help is quiet: `--version`, `help <command>`, and a library import
 * that prints nothing, not even the AWS SDK's Node version warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../support/cli.js';

test('dynaview --version prints the package version', async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const { code, stdout, stderr } = await runCli([flag]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `${version}\n`);
    assert.equal(stderr, '');
  }
});

test('dynaview help <command> and <command> --help print that command\'s usage and description', async () => {
  for (const [command, description] of [['run', /^run {5}runs the program/m], ['check', /^check {3}parses/m], ['explain', /^explain prints/m], ['sim', /^sim {5}serves/m]] as const) {
    for (const args of [['help', command], [command, '--help']]) {
      const { code, stdout, stderr } = await runCli(args);
      assert.equal(code, 0, stderr);
      assert.match(stdout, new RegExp(`^usage:\\n  dynaview ${command} `), args.join(' '));
      assert.match(stdout, description, args.join(' '));
    }
  }
  const all = await runCli(['help']);
  assert.equal(all.code, 0);
  assert.match(all.stdout, /dynaview --version/);
  const unknown = await runCli(['help', 'frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no help for "frobnicate"; commands: run, check, explain, sim/);
});

test('importing the library and creating an SDK client prints nothing, without any environment variable', () => {
  const env = { ...process.env };
  delete env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
  const script = `
    await import(${JSON.stringify(join(ROOT, 'dist/index.js'))});
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    new DynamoDBClient({ region: 'us-east-1' }).destroy();`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, '');
});
