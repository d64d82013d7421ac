/**
 * Capturing a worker's stdout/stderr per invocation. The bootstrap writes an end marker (carrying the
 * request id) to both streams after each invocation, before it answers on fd 4; everything up to the
 * markers belongs to that invocation, whatever order the pipes are read in. Output between invocations
 * (timers left running by the handler, init output) is attributed to the next one, as Lambda does.
 */
import { StringDecoder } from 'node:string_decoder';

/** Per-invocation cap (the tail is kept: errors come last). */
export const LOG_CAP_BYTES = 64 * 1024;

export function endMarker(requestId: string): string {
  return `\u001f\u001frotor-end:${requestId}\u001f\u001f\n`;
}

/** Text capped to its last `cap` characters, noting how much was dropped. */
export class CappedText {
  private text = '';
  private dropped = 0;
  constructor(private readonly cap = LOG_CAP_BYTES) {}
  append(s: string): void {
    if (s === '') return;
    this.text += s;
    if (this.text.length > this.cap) {
      this.dropped += this.text.length - this.cap;
      this.text = this.text.slice(this.text.length - this.cap);
    }
  }
  get length(): number {
    return this.text.length;
  }
  toString(): string {
    return this.dropped > 0 ? `[rotor: ${this.dropped} earlier characters of log dropped]\n${this.text}` : this.text;
  }
}

/** Markers of earlier invocations that arrived late (after their invocation gave up waiting). */
const STALE_MARKER_RE = /\u001f\u001frotor-end:[^\u001f\n]*\u001f\u001f\n/g;
const stripStale = (s: string) => (s.includes('\u001f') ? s.replace(STALE_MARKER_RE, '') : s);

/** Length of the longest suffix of `text` that is a proper prefix of `marker`. */
function heldBack(text: string, marker: string): number {
  for (let k = Math.min(marker.length - 1, text.length); k > 0; k--) {
    if (marker.startsWith(text.slice(text.length - k))) return k;
  }
  return 0;
}

interface StreamState {
  decoder: StringDecoder;
  hold: string;
  done: boolean;
}

/** Splits the two output streams of one worker into per-invocation logs. */
export class OutputSplitter {
  private readonly streams = { stdout: this.fresh(), stderr: this.fresh() };
  private between = new CappedText();
  private current: { log: CappedText; marker: string } | undefined;
  private onDrained: (() => void) | undefined;

  private fresh(): StreamState {
    return { decoder: new StringDecoder('utf8'), hold: '', done: false };
  }

  /** Starts collecting for an invocation; output seen since the last one is included. */
  begin(requestId: string): void {
    const log = new CappedText();
    log.append(this.between.toString());
    this.between = new CappedText();
    this.current = { log, marker: endMarker(requestId) };
    this.streams.stdout.done = false;
    this.streams.stderr.done = false;
  }

  push(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const st = this.streams[stream];
    let text = st.hold + st.decoder.write(chunk);
    st.hold = '';
    const cur = this.current;
    if (cur && !st.done) {
      const i = text.indexOf(cur.marker);
      if (i >= 0) {
        cur.log.append(stripStale(text.slice(0, i)));
        st.done = true;
        text = text.slice(i + cur.marker.length);
        if (this.streams.stdout.done && this.streams.stderr.done) this.onDrained?.();
      } else {
        const k = heldBack(text, cur.marker);
        cur.log.append(stripStale(text.slice(0, text.length - k)));
        st.hold = text.slice(text.length - k);
        return;
      }
    }
    this.between.append(stripStale(text));
  }

  /** Resolves when both markers were seen, or after `maxWaitMs`. */
  drained(maxWaitMs: number): Promise<void> {
    if (this.streams.stdout.done && this.streams.stderr.done) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.onDrained = undefined;
        resolve();
      }, maxWaitMs);
      this.onDrained = () => {
        clearTimeout(t);
        this.onDrained = undefined;
        resolve();
      };
    });
  }

  /** Appends a line of Rotor's own (e.g. the timeout notice) to the current invocation's log. */
  note(line: string): void {
    this.current?.log.append(line.endsWith('\n') ? line : `${line}\n`);
  }

  /** Ends the invocation and returns its log (held-back partial marker text included). */
  end(): string {
    const cur = this.current;
    this.current = undefined;
    if (!cur) return '';
    for (const st of [this.streams.stdout, this.streams.stderr]) {
      if (!st.done && st.hold !== '') cur.log.append(st.hold);
      st.hold = '';
    }
    return cur.log.toString();
  }

  /** Forgets everything (the worker died): a new process starts with fresh decoders. */
  reset(): void {
    this.streams.stdout = this.fresh();
    this.streams.stderr = this.fresh();
  }
}
