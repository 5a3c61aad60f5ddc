/**
 * A temporary directory per test file, created before its tests and removed after them, with
 * numbered input files written into it.
 */
import { after, before } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempFiles {
  /** The directory; available once the file's `before` hooks have run. */
  readonly dir: string;
  /** Writes `content` to a new file in the directory and returns its name (relative to the directory). */
  file(content: string): Promise<string>;
}

/** Call at the top level of a test file. */
export function useTempFiles(prefix: string): TempFiles {
  let dir = '';
  let count = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    async file(content) {
      count += 1;
      const name = `input-${count}.json`;
      await writeFile(join(dir, name), content);
      return name;
    },
  };
}
