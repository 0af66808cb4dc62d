import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (tests/ is one level below it). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where a suite writes screenshots and logs (git-ignored: tests/<suite>/output). */
export function outputDir(suite: 'ui' | 'desktop'): string {
  return path.join(ROOT, 'tests', suite, 'output');
}
