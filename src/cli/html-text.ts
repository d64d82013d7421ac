/**
 * The model's documentation is HTML; help pages show it as wrapped plain text: paragraphs, list items as
 * "o " bullets, links and code as their text, entities decoded.
 */

function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** HTML to paragraphs of plain text (list items prefixed "o "). */
export function htmlToParagraphs(html: string): string[] {
  const marked = html
    .replace(/<li>(\s*<p>)?\s*/gi, '\u0000o ')
    .replace(/<\/(p|li|ul|ol|note|important|para)>/gi, '\u0000')
    .replace(/<(p|ul|ol|note|important|br\s*\/?)>/gi, '\u0000');
  return marked
    .split('\u0000')
    .map((p) => decode(p.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim())
    .filter((p) => p !== '');
}

/** Word-wraps `text` to `width` columns, each line prefixed with `indent`. */
export function wrap(text: string, indent: string, width = 79): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/** HTML documentation as wrapped, indented text with blank lines between paragraphs. */
export function htmlToText(html: string, indent: string, width = 79): string {
  return htmlToParagraphs(html)
    .map((p) => wrap(p, indent, width).join('\n'))
    .join('\n\n');
}
