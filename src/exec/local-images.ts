/** What both executors ask Docker for the local image store: `repository:tag` of every image. */
export const IMAGE_LIST_ARGS = ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'] as const;

/** `docker image ls` output (IMAGE_LIST_ARGS) as a set; untagged images name nothing compose could run. */
export function parseImageList(stdout: string): Set<string> {
  return new Set(stdout.split('\n').filter((line) => line && !line.includes('<none>')));
}
