/**
 * REAL and DOUBLE as text the way Feldera's CAST to VARCHAR writes them: with the Rust `ryu`
 * crate, which prints the shortest round-trip digits, keeps `.0` on integral values, uses plain
 * notation for moderate magnitudes and `1e16` / `1.5e-7` otherwise: `1.0`, `0.1`, `1e16`, `NaN`,
 * `inf`, `-inf`.
 */

const NUMBER_PARTS = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

/** DOUBLE as ryu formats an f64. */
export function doubleText(x: number): string {
  return ryuText(x, String(Math.abs(x)), 16, -5);
}

/** REAL as ryu formats an f32: the shortest digits that read back as the same f32. */
export function realText(x: number): string {
  const single = Math.fround(x);
  return ryuText(single, shortestRealDigits(Math.abs(single)), 13, -6);
}

function shortestRealDigits(single: number): string {
  for (let precision = 1; precision < 9; precision++) {
    const text = single.toPrecision(precision);
    if (Math.fround(Number(text)) === single) return text;
  }
  return single.toPrecision(9);
}

/**
 * ryu's layout for a value whose magnitude prints as `magnitudeText` (any JS number text):
 * `maxPointPosition` and `minPointPosition` bound where the decimal point may stand before ryu
 * switches to exponent notation (16 and -5 for f64, 13 and -6 for f32).
 */
function ryuText(x: number, magnitudeText: string, maxPointPosition: number, minPointPosition: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const [, integer = '', fraction = '', exponentText = '0'] = NUMBER_PARTS.exec(magnitudeText) ?? [];
  // magnitude = digits × 10^exponent, with no leading or trailing zeros in digits.
  let digits = (integer + fraction).replace(/^0+/, '');
  let exponent = Number(exponentText) - fraction.length;
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  const pointPosition = digits.length + exponent;
  if (exponent >= 0 && pointPosition <= maxPointPosition) return `${sign}${digits}${'0'.repeat(exponent)}.0`;
  if (pointPosition > 0 && pointPosition <= maxPointPosition) {
    return `${sign}${digits.slice(0, pointPosition)}.${digits.slice(pointPosition)}`;
  }
  if (pointPosition > minPointPosition && pointPosition <= 0) return `${sign}0.${'0'.repeat(-pointPosition)}${digits}`;
  const scientificExponent = pointPosition - 1;
  const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mantissa}e${scientificExponent}`;
}
