/** Quotes one word for `sh -c`. */
export function shq(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
