import { codeTable } from '../codes.js';

/** The table of every code as Markdown: the README holds exactly this (npm run docs writes it; a test checks it). */
export function renderCodeTableMarkdown(): string {
  const rows = Object.entries(codeTable()).map(([code, info]) => {
    const what = info.kind === 'finding' ? (info.severity === 'error' ? 'guardrail error' : 'guardrail warning (error with `--strict`)') : 'error';
    return `| \`${code}\` | ${what} | ${info.exit} | ${info.meaning.replaceAll('|', '\\|')} |`;
  });
  return ['| code | kind | exit | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
