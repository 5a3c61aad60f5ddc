/**
 * Replacing a file so that a crash at any moment leaves either its old or its new content: the
 * new content goes to a temporary file beside it, is flushed to disk, and is renamed over the old
 * one (rename is atomic within a directory); the directory is then flushed so the rename itself
 * survives a power loss.
 */
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The temporary file `writeFileAtomic` writes first; a crash may leave it behind, and the next write replaces it. */
export function temporaryPath(path: string): string {
  return `${path}.tmp`;
}

export async function writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
  const temporary = temporaryPath(path);
  const handle = await open(temporary, 'w');
  try {
    for (const part of data instanceof Uint8Array ? [data] : data) await handle.write(part);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}

/** Makes the entries of a directory (files created, renamed or removed) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
