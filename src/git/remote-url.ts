/**
 * A remote URL without its credentials. CI systems check out with the token
 * in the URL (GitLab: `https://gitlab-ci-token:<token>@host/group/project.git`;
 * GitHub: `https://x-access-token:<token>@github.com/…`, or the token alone as
 * the user name), and `git remote get-url origin` prints it back. lanes shows
 * and stores URLs (image labels, plan --json): the user-info part — user name
 * and password, since either may be the token — is dropped where the URL is
 * read, so nothing downstream ever holds it.
 *
 * Only URLs with a scheme carry user-info this way. The scp-like form
 * `git@host:path` names an SSH login, never a secret, and is left as it is;
 * so are local paths.
 */
export function withoutUserinfo(url: string): string {
  // The authority runs to the first '/', '?' or '#'; user-info ends at its last '@' (a password may hold '@').
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

/**
 * The user-info of a URL: user name and password, each as written and
 * percent-decoded (both forms, when they differ); empty lists when it has none.
 */
export function userinfoParts(url: string | undefined): { user: string[]; password: string[] } {
  const m = url ? /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url) : null;
  if (!m) return { user: [], password: [] };
  const colon = m[1]!.indexOf(':');
  const forms = (p: string) => {
    let decoded = p;
    try {
      decoded = decodeURIComponent(p);
    } catch {
      // a stray '%': keep it as written
    }
    return [...new Set([p, decoded])].filter(Boolean);
  };
  return colon < 0 ? { user: forms(m[1]!), password: [] } : { user: forms(m[1]!.slice(0, colon)), password: forms(m[1]!.slice(colon + 1)) };
}
