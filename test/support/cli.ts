/** Runs the built `dynaview` command line as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  result: Promise<CliResult>;
  /** Resolves with the match when stdout or stderr has printed text matching the pattern. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

export interface StartOptions {
  /** Starts the CLI as the leader of its own process group, as a shell starts a foreground job: `process.kill(-pid, signal)` then signals it as a terminal's Ctrl-C does. */
  processGroup?: boolean;
}

export function startCli(args: readonly string[], env: Record<string, string> = {}, options: StartOptions = {}): RunningCli {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, DYNAVIEW_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup === true,
  });
  let stdout = '';
  let stderr = '';
  const listeners: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); listeners.forEach((l) => l()); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); listeners.forEach((l) => l()); });
  const result = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    result,
    waitFor: (pattern) => new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(stdout) ?? pattern.exec(stderr);
        if (match) resolve(match);
      };
      listeners.push(check);
      check();
      void result.then(() => reject(new Error(`exited before printing ${pattern}:\n${stdout}\n${stderr}`)));
    }),
  };
}

export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).result;
}

/** Writes files into a fresh temporary directory and returns its path. */
export function writeFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dynaview-e2e-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
