/**
 * String positions and lengths in Unicode code points, as SQL (and Feldera's Rust strings) count
 * characters; JS strings count UTF-16 units, which differ only around surrogate pairs. Each
 * function takes the plain UTF-16 path when the string has no surrogates.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

export function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Code points [start, end) of `text`, 0-based, clamped to the string. */
export function codePointSlice(text: string, start: number, end: number = Number.POSITIVE_INFINITY): string {
  if (!SURROGATE.test(text)) return text.slice(Math.max(0, start), Math.max(0, Math.min(end, text.length)));
  return Array.from(text).slice(Math.max(0, start), Math.max(0, end)).join('');
}

/** 1-based code point position of the first `needle` in `haystack`, 0 when absent, 1 for ''. */
export function codePointPosition(needle: string, haystack: string): number {
  const index = haystack.indexOf(needle);
  if (index < 0) return 0;
  return codePointLength(haystack.slice(0, index)) + 1;
}
