import type { VersionFormat } from '../token.js';
import { locateTomlVersion } from './toml-table.js';

/** pyproject.toml: PEP 621 `[project]` or Poetry's `[tool.poetry]`. */
export const pyproject: VersionFormat = {
  locate: (content) => locateTomlVersion(content, ['project', 'tool.poetry']),
  expected: () => 'version = "X.Y.Z" under [project] or [tool.poetry]',
};
