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

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }
}
