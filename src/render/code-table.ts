import { codeTable } from '../codes.js';
import { STATUS_ONLY, STRICT_KEEPS_WARNING, type FindingCode } from '../guardrails/finding.js';

/** The table of every code as Markdown: the README holds exactly this (npm run docs writes it; a test checks it). */
export function renderCodeTableMarkdown(): string {
  const rows = Object.entries(codeTable()).map(([code, info]) => {
    const strict = STATUS_ONLY.has(code as FindingCode) ? '(status only: never stops a lane)' : STRICT_KEEPS_WARNING.has(code as FindingCode) ? '(a warning under `--strict` too)' : '(error with `--strict`)';
    const what = info.kind === 'finding' ? (info.severity === 'error' ? 'guardrail error' : `guardrail warning ${strict}`) : 'error';
    return `| \`${code}\` | ${what} | ${info.exit} | ${info.meaning.replaceAll('|', '\\|')} |`;
  });
  return ['| code | kind | exit | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
