// Builds the package and the tests, starts one DynamoDB Local for the whole run, runs every test
// file with Node's test runner, and stops DynamoDB Local whatever happens.
import { spawnSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// The SDK warns on every Node 20 process that Node 22 will be needed in 2027; tests need no reminder.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const args = process.argv.slice(2);

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const tsc = join(root, 'node_modules/typescript/bin/tsc');
run(process.execPath, [tsc, '-p', 'tsconfig.json']);
run(process.execPath, [tsc, '-p', 'tsconfig.test.json']);

const selected = args.length > 0
  ? args.map((a) => join(root, '.test-build', a.replace(/\.ts$/, '.js')))
  : testFiles(join(root, '.test-build', 'test'));

const { startDynamoDBLocal } = await import(join(root, '.test-build/src/local/dynamodb-local.js'));
const local = await startDynamoDBLocal();
let code = 1;
try {
  code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...selected], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        DYNAVIEW_TEST_DYNAMODB_ENDPOINT: local.endpoint,
        DYNAVIEW_LOG_LEVEL: process.env.DYNAVIEW_LOG_LEVEL ?? 'silent',
      },
    });
    child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
} finally {
  await local.stop();
}
process.exit(code);
