import { StepError } from '../errors.js';
import type { Redactor } from '../exec/redactor.js';

export interface JsonAnswer {
  status: number;
  json: unknown;
  text: string;
}

/**
 * One HTTP call to a release host's API (GitHub, GitLab), answered as JSON.
 * A network failure, a timeout or a body that is not JSON is a StepError that
 * names the host and says what to do — never a crash: by the time a release
 * page is made, images and charts are published and the run must still end
 * with its summary.
 */
export async function callJson(
  what: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  redactor: Redactor,
  hint: string,
  body?: Uint8Array | string,
): Promise<JsonAnswer> {
  // Loaded here, not at start-up: only the release lane talks to release hosts.
  const { request } = await import('undici');
  let status: number;
  let text: string;
  try {
    const res = await request(url, { method, headers, body, headersTimeout: 60_000, bodyTimeout: 300_000 });
    status = res.statusCode;
    text = await res.body.text();
  } catch (e) {
    const err = e as { code?: string; message?: string };
    throw new StepError(`${what}: ${url.replace(/\?.*$/, '')} could not be reached (${err.code ?? err.message}); ${hint}`);
  }
  let json: unknown;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new StepError(`${what}: HTTP ${status} with a body that is not JSON (${redactor.redact(text).slice(0, 120).replace(/\s+/g, ' ')}…): is ${new URL(url).origin} the API? ${hint}`);
    }
  }
  return { status, json, text };
}

/** The error of an answer that was not the one expected, with the host's own words (secrets hidden). */
export function httpFailure(what: string, r: JsonAnswer, redactor: Redactor, hint: string, authHint: string): StepError {
  return new StepError(`${what} failed with HTTP ${r.status}: ${redactor.redact(r.text).slice(0, 300)}${r.status === 401 || r.status === 403 ? ` (${authHint})` : ''}; ${hint}`);
}
