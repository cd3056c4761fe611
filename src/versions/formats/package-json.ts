import type { VersionFormat } from '../token.js';
import { findJsonString } from '../json-locate.js';

/** package.json and tauri.conf.json: the top-level "version". */
export const packageJson: VersionFormat = {
  locate(content) {
    const span = findJsonString(content, ['version']);
    return span ? [{ ...span, label: 'version' }] : [];
  },
  expected: () => 'a top-level "version" string',
};
