/** Where the project's folders are, wherever the CLI is started from. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIXTURES_DIR = join(ROOT, 'fixtures');
export const FIXTURE_CACHE_DIR = join(ROOT, '.cache', 'fixtures');
export const SCHEMA_PATH = join(ROOT, 'reports', 'report.schema.json');
export const DEFAULT_OUT_DIR = join(ROOT, 'reports', 'out');
export const EXPECTATIONS_DIR = join(ROOT, 'adapters', 'expectations');
