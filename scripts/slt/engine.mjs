// Running generated programs through the dynaview CLI (`node dist/cli/main.js run prog.sql`) and
// attributing every failure to the views that caused it: compile errors by line, runtime errors
// by the view they name, anything else by bisection. Views that ran have their file_output read.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { replayChanges } from './slt-lib.mjs';
import { buildProgram } from './sql-rewrite.mjs';

/** The code of a refusal reported by the CLI, which prints messages only. */
export function refusalCode(message) {
  if (/not (yet )?supported/i.test(message)) return 'SQL_NOT_SUPPORTED';
  if (/syntax|expected .* (but found|got)|unexpected|unterminated/i.test(message)) return 'SQL_SYNTAX_ERROR';
  return 'SQL_INVALID';
}

/** `error: FILE:LINE:COL: MESSAGE` lines of the CLI's stderr. */
export function located(stderr) {
  const out = [];
  for (const line of stderr.split('\n')) {
    const m = /^error: (.*?):(\d+):(\d+): (.*)$/.exec(line);
    if (m) out.push({ file: m[1], line: Number(m[2]), col: Number(m[3]), message: m[4] });
  }
  return out;
}

/** The `error: ...` lines of the CLI's stderr, without the prefix. */
function errorLines(stderr) {
  return stderr.split('\n').filter((l) => l.startsWith('error: ')).map((l) => l.slice('error: '.length));
}

/** The gist of a crash's stderr: its first error line (e.g. `TypeError: ...`), else its last lines. */
function crashLine(stderr) {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const error = lines.find((l) => /^(internal error|[A-Za-z]*Error\b)/.test(l));
  return error ?? lines.slice(-3).join(' | ');
}

export class Engine {
  /**
   * @param {{cli: string, dist: string | null, timeoutMs: number, viewTimeoutMs: number, workDir: string, keep: boolean, log: (s: string) => void}} options
   */
  constructor(options) {
    this.options = options;
    this.programs = 0;
    this.compile = null;
    this.seq = 0;
  }

  /** Loads `compileSource` from the same dist/ as the CLI, for exact refusal codes; the CLI alone is the fallback. */
  async init() {
    const { dist } = this.options;
    if (!dist) return;
    const module = join(dist, 'pipeline', 'program.js');
    if (!existsSync(module)) return;
    try {
      const { compileSource } = await import(pathToFileURL(module).href);
      if (typeof compileSource === 'function') this.compile = compileSource;
    } catch (error) {
      this.options.log(`note: compiling in-process is not available (${error.message}); refusals come from the CLI`);
    }
  }

  /**
   * Problems of a program compiled in-process, `[{line, col, code, message}]`, or null when that
   * is not available (or crashes: then the CLI will tell).
   */
  compileProblems(text, file) {
    if (!this.compile) return null;
    const problem = (p) => ({
      line: p.context?.line ?? null,
      col: p.context?.col ?? null,
      code: p.code ?? 'UNKNOWN',
      message: String(p.message).replace(/^.*?:\d+:\d+: /, ''),
    });
    try {
      return this.compile(text, file).problems.map(problem);
    } catch (error) {
      // A syntax error or unsupported construct is thrown (a DynaviewError with code and position).
      if (typeof error?.code === 'string' && error.context) return [problem(error)];
      return [{ line: null, col: null, code: 'COMPILER_CRASH', message: `the compiler threw: ${error?.stack?.split('\n').slice(0, 3).join(' | ') ?? error}` }];
    }
  }

  runCli(programPath, timeoutMs) {
    this.programs++;
    return new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(process.execPath, [this.options.cli, 'run', programPath], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, DYNAVIEW_LOG_LEVEL: process.env.DYNAVIEW_LOG_LEVEL ?? 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { if (stdout.length < 1e6) stdout += d; });
      child.stderr.on('data', (d) => { if (stderr.length < 1e6) stderr += d; });
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
      });
    });
  }

  /**
   * Runs views over tables; returns a Map view name → outcome:
   * `{status: 'ok', rows, warnings}` | `{status: 'refused', code, message}` |
   * `{status: 'runtime', message}` | `{status: 'error', message}` (the runner could not tell).
   *
   * @param {{header: string, tables: {name: string, ddl: string}[]}} segment  (the tables' input files exist)
   * @param {{name: string, columnCount: number, sql: string}[]} views
   */
  async run(segment, views) {
    const dir = join(this.options.workDir, `p${++this.seq}`);
    await mkdir(dir, { recursive: true });
    try {
      const results = new Map();
      let active = views.map((v) => ({ ...v, outPath: join(dir, `${v.name}.json`) }));
      // Refusals first, each view compiled on its own (in-process, cheap) for its exact error.
      if (this.compile) {
        const kept = [];
        for (const view of active) {
          const { text, spans } = buildProgram(segment.header, segment.tables, [view], { connectors: false });
          const problems = this.compileProblems(text, join(dir, 'check.sql'));
          const sqlProblems = (problems ?? []).filter((p) => p.line === null || p.line >= spans[0].start);
          if (problems && problems.length > 0 && problems.every((p) => p.line !== null && p.line < spans[0].start)) {
            // The tables themselves are refused: nothing of this segment can run.
            for (const v of active) results.set(v.name, { status: 'error', message: `the tables are refused: ${problems[0].message}` });
            return results;
          }
          if (sqlProblems.length > 0) results.set(view.name, { status: 'refused', code: sqlProblems[0].code, message: sqlProblems[0].message });
          else kept.push(view);
        }
        active = kept;
      }
      await this.runLoop(dir, segment, active, results);
      return results;
    } finally {
      if (!this.options.keep) await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Runs views until each has an outcome. `timeoutMs`: the limit for a program of several views
   * (the one of a single view is always the per-view timeout); `grouped`: this run is a group
   * split off a program that timed out, whose views run one by one if it times out too.
   */
  async runLoop(dir, segment, views, results, timeoutMs = this.options.timeoutMs, grouped = false) {
    let active = views;
    while (active.length > 0) {
      const programPath = join(dir, `program-${++this.seq}.sql`);
      const { text, spans } = buildProgram(segment.header, segment.tables, active);
      await writeFile(programPath, text);
      for (const v of active) await rm(v.outPath, { force: true });
      // One view alone gets the (shorter) per-view timeout: it is how slow views are found.
      const limitMs = active.length === 1 ? this.options.viewTimeoutMs : timeoutMs;
      const r = await this.runCli(programPath, limitMs);
      if (r.code === 0 && !r.timedOut) {
        const warnings = r.stderr.split('\n').filter((l) => l.trim() !== '').slice(0, 20);
        for (const v of active) {
          try {
            // file_output creates its file when it opens; a missing file is an empty view.
            const text2 = existsSync(v.outPath) ? await readFile(v.outPath, 'utf8') : '';
            const columns = Array.from({ length: v.columnCount }, (_, c) => `c${c}`);
            results.set(v.name, { status: 'ok', rows: replayChanges(text2, columns), warnings });
          } catch (error) {
            results.set(v.name, { status: 'error', message: `output of ${v.name} unreadable: ${error.message}` });
          }
        }
        return;
      }
      if (r.code === 2 && !r.timedOut) {
        // Invalid program: map each located problem to the view whose lines hold it.
        const blamed = new Set();
        for (const p of located(r.stderr)) {
          const span = spans.find((s) => p.line >= s.start && p.line <= s.end);
          if (!span || blamed.has(span.name)) continue;
          blamed.add(span.name);
          results.set(span.name, { status: 'refused', code: refusalCode(p.message), message: p.message });
        }
        if (blamed.size === 0) {
          const message = errorLines(r.stderr).join(' | ') || r.stderr.trim().slice(0, 500) || 'exit code 2';
          for (const v of active) results.set(v.name, { status: 'error', message: `program refused outside any view: ${message}` });
          return;
        }
        active = active.filter((v) => !blamed.has(v.name));
        continue;
      }
      // A runtime failure (or a timeout, a crash): blame the view the message names, else bisect.
      const messages = errorLines(r.stderr);
      const message = r.timedOut
        ? `timed out after ${Math.round(limitMs / 1000)} s`
        : messages.join(' | ') || crashLine(r.stderr) || `exit code ${r.code}${r.signal ? ` (${r.signal})` : ''}`;
      const named = active.filter((v) => new RegExp(`\\b${v.name}\\b`).test(messages.join('\n')));
      if (!r.timedOut && named.length > 0) {
        for (const v of named) results.set(v.name, { status: 'runtime', message: message.replace(new RegExp(`^view ${v.name}: `), '') });
        active = active.filter((v) => !named.includes(v));
        continue;
      }
      if (active.length === 1) {
        results.set(active[0].name, { status: 'runtime', message });
        return;
      }
      if (r.timedOut) {
        // Slow views: in groups of about sqrt(n) views first, with a limit of the per-view timeout
        // plus a second a view, then the views of a group that times out one by one, so that only
        // the slow views wait for the per-view timeout.
        const size = Math.ceil(Math.sqrt(active.length));
        if (!grouped && size > 1 && active.length > 4) {
          this.options.log(`  ${message}: running its ${active.length} views in groups of ${size}`);
          for (let i = 0; i < active.length; i += size) {
            const group = active.slice(i, i + size);
            await this.runLoop(dir, segment, group, results, this.options.viewTimeoutMs + 1000 * group.length, true);
          }
          return;
        }
        this.options.log(`  ${message}: running its ${active.length} views one by one`);
        for (const view of active) await this.runLoop(dir, segment, [view], results);
        return;
      }
      const half = Math.ceil(active.length / 2);
      this.options.log(`  bisecting ${active.length} views after: ${message.slice(0, 160)}`);
      await this.runLoop(dir, segment, active.slice(0, half), results, timeoutMs, grouped);
      await this.runLoop(dir, segment, active.slice(half), results, timeoutMs, grouped);
      return;
    }
  }
}
