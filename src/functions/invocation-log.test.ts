import { describe, expect, it } from 'vitest';
import { CappedText, OutputSplitter, endMarker } from './invocation-log.js';

describe('OutputSplitter', () => {
  it('splits by the end markers, even when a marker is cut across chunks', () => {
    const s = new OutputSplitter();
    s.begin('r1');
    const m = endMarker('r1');
    s.push('stdout', Buffer.from(`hello\npartial${m.slice(0, 7)}`));
    s.push('stderr', Buffer.from(`warn${m}`));
    s.push('stdout', Buffer.from(`${m.slice(7)}after`));
    expect(s.end()).toBe('hello\npartialwarn');
    s.begin('r2');
    s.push('stdout', Buffer.from(`more${endMarker('r2')}`));
    s.push('stderr', Buffer.from(endMarker('r2')));
    expect(s.end()).toBe('aftermore');
  });

  it('keeps text that only looks like the start of a marker', () => {
    const s = new OutputSplitter();
    s.begin('r1');
    s.push('stdout', Buffer.from('a\u001f'));
    s.push('stdout', Buffer.from('b'));
    expect(s.end()).toBe('a\u001fb');
  });

  it('does not split multi-byte characters across chunks, and drops stale markers', async () => {
    const s = new OutputSplitter();
    s.begin('r1');
    const bytes = Buffer.from('é€');
    s.push('stdout', bytes.subarray(0, 1));
    s.push('stdout', bytes.subarray(1));
    s.push('stdout', Buffer.from(`${endMarker('old')}x${endMarker('r1')}`));
    s.push('stderr', Buffer.from(endMarker('r1')));
    await s.drained(10);
    expect(s.end()).toBe('é€x');
  });
});

describe('CappedText', () => {
  it('keeps the tail and says how much was dropped', () => {
    const c = new CappedText(10);
    c.append('0123456789');
    c.append('abc');
    expect(c.toString()).toBe('[rotor: 3 earlier characters of log dropped]\n3456789abc');
  });
});
