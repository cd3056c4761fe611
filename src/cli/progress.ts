import type { StepResult } from '../exec/run-steps.js';
import type { Step } from '../plan/types.js';
import { describeStep, formatDuration, renderStepLine } from '../render/text.js';

/** Where progress goes: a terminal gets a live line; anything else (CI logs, pipes) plain lines. */
export interface ProgressSink {
  /** One finished line (no trailing newline). */
  line: (text: string) => void;
  /** Set on a terminal: raw writes, for the line that is redrawn in place. */
  tty?: { write: (chunk: string) => void; columns?: number };
  /** Colour the marks (a terminal without NO_COLOR). */
  color: boolean;
}

const paint = (on: boolean, code: number, text: string) => (on ? `\x1b[${code}m${text}\x1b[39m` : text);

/**
 * Step progress of a lane. Plain output: a `...` line when a step starts and
 * its result line when it ends. On a terminal: result lines in colour, and
 * one live line at the bottom naming what is running and for how long.
 */
export class Progress {
  private readonly running = new Map<string, { step: Step; since: number }>();
  private done = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly sink: ProgressSink, private readonly total: number, private readonly now: () => number = () => performance.now()) {}

  start(step: Step): void {
    this.running.set(step.id, { step, since: this.now() });
    if (!this.sink.tty) this.sink.line(`...  ${step.id}: ${describeStep(step)}`);
    else {
      this.timer ??= setInterval(() => this.redraw(), 250).unref();
      this.redraw();
    }
  }

  finish(result: StepResult): void {
    this.running.delete(result.id);
    this.done++;
    const text = renderStepLine(result);
    const colored = result.status === 'ok' ? paint(this.sink.color, 32, text.slice(0, 4)) + text.slice(4) : result.status === 'failed' ? paint(this.sink.color, 31, text) : paint(this.sink.color, 33, text.slice(0, 4)) + text.slice(4);
    if (!this.sink.tty) this.sink.line(text);
    else {
      this.sink.tty.write(`\r\x1b[K${colored}\n`);
      this.redraw();
    }
  }

  /** Clears the live line for good (before the summary). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sink.tty?.write('\r\x1b[K');
  }

  /** The live line: `[3/9] running build:a (4.2s), build:b (1.0s)`, cut to the terminal's width. */
  liveLine(): string {
    const now = this.now();
    const names = [...this.running.values()].map((r) => `${r.step.id} (${formatDuration(now - r.since)})`);
    const text = `[${this.done}/${this.total}] ${names.length ? `running ${names.join(', ')}` : 'waiting'}`;
    const width = (this.sink.tty?.columns ?? 100) - 1;
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }

  private redraw(): void {
    this.sink.tty?.write(`\r\x1b[K${paint(this.sink.color, 36, this.liveLine())}`);
  }
}
