import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './repo.js';

/**
 * What `dagger functions` would list: the module scanned by the Dagger
 * TypeScript SDK's own introspector (the code the engine runs to register a
 * module's functions), on a copy of dagger/src with the SDK's generated
 * client laid out the way the module runtime lays it out.
 */
let scanned: Promise<any> | undefined;
export const introspect = () => (scanned ??= scanModule());

async function scanModule() {
  const sdk = join(PROJECT_ROOT, 'node_modules/@dagger.io/dagger/dist/src');
  const tmp = mkdtempSync(join(tmpdir(), 'lanes-scan-'));
  cpSync(join(PROJECT_ROOT, 'dagger/src'), join(tmp, 'src'), { recursive: true });
  const pkg = join(tmp, 'node_modules/@dagger.io/dagger');
  mkdirSync(pkg, { recursive: true });
  // The runtime ships client.gen.ts as source; the npm package has it as .d.ts, which the scanner skips.
  writeFileSync(join(pkg, 'client.gen.ts'), readFileSync(join(sdk, 'api/client.gen.d.ts'), 'utf8').replace(/from "\.\.\/(.*?)"/g, `from "${sdk}/$1"`));
  writeFileSync(join(pkg, 'index.ts'), `export * from './client.gen';\nexport * from '${sdk}/module/decorators.js';\n`);
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@dagger.io/dagger', types: 'index.ts' }));
  symlinkSync(PROJECT_ROOT, join(tmp, 'node_modules/lanes'));
  const { scan } = (await import(join(sdk, 'module/introspector/index.js'))) as { scan: (files: string[], name: string, load: boolean) => Promise<any> };
  const module = await scan([join(tmp, 'src/index.ts')], 'lanes', false);
  return Object.values<any>(module.objects)[0];
}

