import { minorUnitsPerMajor } from '../../util/currency.ts';

/** `2000, "usd"` → `"$20.00 USD"`; unknown codes fall back to `"20.00 XYZ"`. */
export function formatMinorUnits(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const major = amount / minorUnitsPerMajor(currency);
  const digits = minorUnitsPerMajor(currency) === 1 ? 0 : 2;
  try {
    const symbol = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: code,
      minimumFractionDigits: digits,
    }).format(major);
    return symbol.startsWith(code) ? symbol.replace(/\s+/, ' ') : `${symbol} ${code}`;
  } catch {
    return `${major.toFixed(digits)} ${code}`;
  }
}

/** `"25"` or `"25.50"` major units → minor units (2500, 2550). */
export function toMinorUnits(major: string, currency: string): number {
  return Math.round(Number(major.replaceAll(',', '')) * minorUnitsPerMajor(currency));
}
