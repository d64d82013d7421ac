/**
 * ListSecrets / BatchGetSecretValue filters (spec §5.8, §5.4, §13.37). Pure: parsing and matching only.
 *
 * Matching rules:
 * - Filters combine with AND, including two filters with the same key.
 * - The values of one filter combine with OR; a value with a leading `!` is negated.
 * - `name`, `tag-key`, `tag-value`, `primary-region`, `owning-service`: case-sensitive prefix match
 *   (`tag-key`/`tag-value`: some tag key/value has the prefix). An absent attribute matches nothing.
 * - `description`: the value is split into words (splitWords); every word must be a case-insensitive prefix
 *   of some word of the description.
 * - `all`: like `description`, but each word may match a word of the name, the description, any tag key or
 *   any tag value (the words are pooled across all of them).
 *
 * Negation. A negated value `!v` matches exactly the secrets that the plain value `v` does not match (for
 * tags: no tag key/value has the prefix; for an absent attribute: it matches). Within one filter the negated
 * values EXCLUDE rather than OR in: a filter matches when
 *   (it has no plain values, or at least one plain value matches) AND no negated value's pattern matches.
 * So `['!a', '!b']` means "neither a nor b", and `['a', '!ab']` means "a but not ab". A literal OR of
 * negations (`not a OR not b`) would match almost everything and is never what a caller means; AWS documents
 * negation as excluding matches. For a filter with a single value both readings coincide.
 */

import { err } from './errors.js';

export type FilterKey = 'description' | 'name' | 'tag-key' | 'tag-value' | 'primary-region' | 'owning-service' | 'all';

/** In the service model's enum order (used in the ValidationException text). */
export const FILTER_KEYS: readonly FilterKey[] = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
];

export interface Filter {
  Key: FilterKey;
  Values: string[];
}

function isFilterKey(k: string): k is FilterKey {
  return (FILTER_KEYS as readonly string[]).includes(k);
}

/**
 * Validates raw filters (after generic model validation): missing Key ⇒ InvalidParameterException
 * 'Invalid filter key'; missing/empty Values ⇒ InvalidParameterException 'Invalid filter values for key: <key>'.
 * An unknown key (normally caught by the model validator) ⇒ ValidationException. Returns typed copies.
 */
export function parseFilters(raw: unknown[] | undefined): Filter[] {
  if (raw === undefined) return [];
  return raw.map((item, i): Filter => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw err.invalidParameter('Invalid filter key');
    }
    const rec = item as Record<string, unknown>;
    const key = rec['Key'];
    if (key === undefined || key === null) throw err.invalidParameter('Invalid filter key');
    if (typeof key !== 'string' || !isFilterKey(key)) {
      throw err.validation(
        `1 validation error detected: Value '${String(key)}' at 'filters.${i + 1}.member.key' failed to satisfy ` +
          `constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`,
      );
    }
    const values: unknown = rec['Values'];
    if (!Array.isArray(values)) throw err.invalidParameter(`Invalid filter values for key: ${key}`);
    const list: readonly unknown[] = values;
    if (list.length === 0 || !list.every((v): v is string => typeof v === 'string')) {
      throw err.invalidParameter(`Invalid filter values for key: ${key}`);
    }
    return { Key: key, Values: [...list] };
  });
}

/** The searchable view of a secret. */
export interface Searchable {
  name: string;
  description?: string;
  tags?: readonly { Key: string; Value: string }[];
  primaryRegion?: string;
  owningService?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Word splitting

/** Whitespace and the separators of spec §5.8. Any other character stays inside a word. */
const SEPARATORS = /[\s/_+=.@-]+/u;

type CharClass = 'upper' | 'lower' | 'digit' | 'other';

function classify(ch: string): CharClass {
  if (/\p{Lu}/u.test(ch)) return 'upper';
  if (/\p{Ll}/u.test(ch)) return 'lower';
  if (/\p{Nd}/u.test(ch)) return 'digit';
  return 'other';
}

const isLetter = (c: CharClass): boolean => c === 'upper' || c === 'lower';

/**
 * Word tokenizer used by `all` and `description`. Splits on whitespace and `/ _ + = . @ -`, then inside each
 * piece on lower→upper transitions (`myTest` → `my`,`Test`) and letter↔digit transitions (`abc12` → `abc`,`12`).
 * A run of capitals stays one word, except that its last capital starts the next word when a lowercase letter
 * follows (`COMPANYthings` → `COMPAN`,`Ythings`; `HTTPServer` → `HTTP`,`Server`). Other characters (`:`, `!`,
 * non-cased letters, …) never cause a split. Case is preserved; callers lower-case for comparison.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const piece of text.split(SEPARATORS)) {
    if (piece === '') continue;
    let cur: string[] = [];
    let curClasses: CharClass[] = [];
    for (const ch of piece) {
      const c = classify(ch);
      const p = curClasses[curClasses.length - 1];
      if (p !== undefined) {
        if ((p === 'lower' && c === 'upper') || (isLetter(p) && c === 'digit') || (p === 'digit' && isLetter(c))) {
          words.push(cur.join(''));
          cur = [];
          curClasses = [];
        } else if (p === 'upper' && c === 'lower' && curClasses[curClasses.length - 2] === 'upper') {
          // The last capital of a capital run begins the next word.
          words.push(cur.slice(0, -1).join(''));
          cur = cur.slice(-1);
          curClasses = ['upper'];
        }
      }
      cur.push(ch);
      curClasses.push(c);
    }
    if (cur.length > 0) words.push(cur.join(''));
  }
  return words;
}

// ---------------------------------------------------------------------------------------------------------
// Matching

/** Every word of the pattern is a case-insensitive prefix of some target word. No words ⇒ no match. */
function wordsMatch(pattern: string, targetWords: readonly string[]): boolean {
  const wanted = splitWords(pattern).map((w) => w.toLowerCase());
  if (wanted.length === 0) return false;
  const have = targetWords.map((w) => w.toLowerCase());
  return wanted.every((w) => have.some((h) => h.startsWith(w)));
}

function allWords(s: Searchable): string[] {
  const out = splitWords(s.name);
  if (s.description !== undefined) out.push(...splitWords(s.description));
  for (const t of s.tags ?? []) out.push(...splitWords(t.Key), ...splitWords(t.Value));
  return out;
}

/** Whether the (non-negated) pattern matches the secret's attribute for this key. */
function attributeMatches(key: FilterKey, pattern: string, s: Searchable): boolean {
  switch (key) {
    case 'name':
      return s.name.startsWith(pattern);
    case 'tag-key':
      return (s.tags ?? []).some((t) => t.Key.startsWith(pattern));
    case 'tag-value':
      return (s.tags ?? []).some((t) => t.Value.startsWith(pattern));
    case 'primary-region':
      return s.primaryRegion !== undefined && s.primaryRegion.startsWith(pattern);
    case 'owning-service':
      return s.owningService !== undefined && s.owningService.startsWith(pattern);
    case 'description':
      return s.description !== undefined && wordsMatch(pattern, splitWords(s.description));
    case 'all':
      return wordsMatch(pattern, allWords(s));
  }
}

function filterMatches(f: Filter, s: Searchable): boolean {
  let hasPlain = false;
  let plainMatched = false;
  for (const v of f.Values) {
    if (v.startsWith('!')) {
      if (attributeMatches(f.Key, v.slice(1), s)) return false;
    } else {
      hasPlain = true;
      if (!plainMatched && attributeMatches(f.Key, v, s)) plainMatched = true;
    }
  }
  return !hasPlain || plainMatched;
}

/** True when the secret satisfies every filter (see the module comment for the semantics). */
export function matchesFilters(s: Searchable, filters: readonly Filter[]): boolean {
  return filters.every((f) => filterMatches(f, s));
}

/**
 * If the filters constrain the name to a literal prefix — a non-negated `name` filter with exactly one value,
 * possibly among other filters — return that prefix so the store can narrow with an index; else undefined.
 * With several such filters (they AND) every one is a necessary prefix; the longest is returned. The store
 * must still apply matchesFilters to the candidates. An empty prefix constrains nothing ⇒ undefined.
 */
export function namePrefixOf(filters: readonly Filter[]): string | undefined {
  let best: string | undefined;
  for (const f of filters) {
    if (f.Key !== 'name' || f.Values.length !== 1) continue;
    const v = f.Values[0];
    if (v === undefined || v === '' || v.startsWith('!')) continue;
    if (best === undefined || v.length > best.length) best = v;
  }
  return best;
}
