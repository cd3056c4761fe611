import type { VersionFormatName } from './schema.js';

/** lanes.yaml after validation, with every default filled in. */
export interface LanesConfig {
  /** Absolute path of the monorepo root. */
  root: string;
  /** The config file, relative to root (for messages). */
  file: string;
  project: string;
  registries: { dev?: RegistryPair; release?: RegistryPair };
  release: { tag: string; versionOf?: string; componentTag: string; github?: string; gitlab?: GitLabTarget };
  compose: { network?: string; project: string; envFile?: string };
  components: Component[];
}

/** Where the GitLab release goes (release.gitlab). */
export interface GitLabTarget {
  /** The project's full path, group/subgroup/project. */
  project: string;
  /** The API root, https://gitlab.com/api/v4 or a self-managed instance's. */
  apiUrl: string;
}

export interface RegistryPair {
  /** host[:port]/namespace */
  images: string;
  /** oci://host[:port]/namespace */
  charts: string;
}

export interface VersionFileSpec {
  file: string;
  format: VersionFormatName;
  pattern?: string;
  key?: string;
  variable?: string;
  package?: string;
  /** YAML path of this entry, for messages. */
  yamlPath: string;
}

export interface ImageSpec {
  name: string;
  dockerfile: string;
  context: string;
  target?: string;
  buildArgs: Record<string, string>;
  platforms: string[];
}

export interface ChartSpec {
  path: string;
  /** `name:` from Chart.yaml. */
  name: string;
  values: { repository: string; tag: string; pullPolicy: string };
  release: string;
  namespace?: string;
}

export interface ComposeSpec {
  file: string;
  role: 'core' | 'connector' | 'optional';
  flag?: string;
  imageVar?: string;
}

export interface Component {
  name: string;
  /** Position in lanes.yaml's components list, for YAML paths in messages. */
  index: number;
  path?: string;
  /** Release-relevant paths: a change under one of them since the last release calls for a bump. */
  sources: string[];
  versionFiles: VersionFileSpec[];
  image?: ImageSpec;
  chart?: ChartSpec;
  compose?: ComposeSpec;
  external?: { image: string };
  /** Its own release tag template (`connector-aws-v{version}`); absent: release.componentTag. Render with componentTagName(). */
  tag?: string;
}
