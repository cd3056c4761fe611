import type { VersionFormat } from '../token.js';
import { locateTomlVersion } from './toml-table.js';

/** Cargo.toml: `[package] version` (a workspace's `[workspace.package]` too). */
export const cargoToml: VersionFormat = {
  locate: (content) => locateTomlVersion(content, ['package', 'workspace.package']),
  expected: () => 'version = "X.Y.Z" under [package]',
};
