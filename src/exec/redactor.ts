import { userinfoParts } from '../git/remote-url.js';

/**
 * Replaces known secrets with *** in anything lanes prints or stores. Every
 * secret is registered here as soon as it is read, and every command's output
 * passes through here before it can reach a message.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; nobody uses them as passwords.
    if (secret && secret.length >= 4) {
      this.secrets.add(secret);
      this.secrets.add(Buffer.from(secret).toString('base64'));
    }
  }

  /**
   * The credentials of a URL (`https://user:token@host/…`, as CI checks out):
   * the password, or the user name when there is no password (a token alone
   * as the user name, as GitHub allows). Defence in depth: lanes drops
   * user-info where it reads a remote URL (git/remote-url.ts).
   */
  addUrlCredentials(url: string | undefined): void {
    const { user, password } = userinfoParts(url);
    for (const p of password.length > 0 ? password : user) this.add(p);
  }

  /**
   * Whether `text` holds a secret this redactor knows (or its base64): the
   * question a guardrail asks of a value about to be written where anyone can
   * read it (a build arg, into the image history). Never says which.
   */
  reveals(text: string): boolean {
    for (const s of this.secrets) if (text.includes(s)) return true;
    return false;
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }
}
