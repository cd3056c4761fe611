import { describe, expect, it } from 'vitest';
import { refusedAsExisting, remoteSaid, tagMessage, tagsNotHeld } from '../../src/exec/tag-lock.js';

describe('the release lock', () => {
  it('gives two runs of the same tag different tag messages, so their tag objects differ', () => {
    expect(tagMessage('v1.0.0', 'run-a')).not.toBe(tagMessage('v1.0.0', 'run-b'));
    expect(tagMessage('v1.0.0', 'run-a')).toMatch(/^Release v1\.0\.0\n/);
  });

  it('finds the tags the remote holds with another object than this run pushed', () => {
    const pushed = new Map([['v1.0.0', 'a'.repeat(40)], ['core-v1.0.0', 'b'.repeat(40)]]);
    const lsRemote = `${'a'.repeat(40)}\trefs/tags/v1.0.0\n${'c'.repeat(40)}\trefs/tags/core-v1.0.0\n`;
    expect(tagsNotHeld(pushed, lsRemote)).toEqual(['core-v1.0.0']);
    expect(tagsNotHeld(pushed, '')).toEqual(['v1.0.0', 'core-v1.0.0']);
  });

  it('tells a tag that is already there from any other refusal', () => {
    expect(refusedAsExisting(' ! [rejected]        v1.0.0 -> v1.0.0 (already exists)')).toBe(true);
    expect(refusedAsExisting(' ! [remote rejected] v1.0.0 -> v1.0.0 (pre-receive hook declined)')).toBe(false);
  });

  it("quotes the remote's own lines", () => {
    expect(remoteSaid('To /r.git\nremote: protected tag\n ! [remote rejected] v1 -> v1 (pre-receive hook declined)\nerror: failed to push some refs')).toBe('remote: protected tag | ! [remote rejected] v1 -> v1 (pre-receive hook declined) | error: failed to push some refs');
  });
});
