/**
 * Exact sums of decimal strings as scaled integers: the many additions of a
 * cloud bill stay exact to the last digit of the file (sub-cent dollars,
 * fractional yen) and fast. The values are checked plain decimals
 * (`-?digits[.digits]`) before they get here.
 */
const POWERS: bigint[] = [1n]
function power(exponent: number): bigint {
  while (POWERS.length <= exponent) POWERS.push(POWERS[POWERS.length - 1] * 10n)
  return POWERS[exponent]
}

export class ExactSum {
  private units = 0n
  private scale = 0

  add(text: string): void {
    const point = text.indexOf('.')
    if (point < 0) {
      const value = BigInt(text)
      this.units += this.scale === 0 ? value : value * power(this.scale)
      return
    }
    const digits = text.length - point - 1
    const value = BigInt(text.slice(0, point) + text.slice(point + 1))
    if (digits > this.scale) {
      this.units *= power(digits - this.scale)
      this.scale = digits
    }
    this.units += digits === this.scale ? value : value * power(this.scale - digits)
  }

  plus(other: ExactSum): void {
    if (other.scale > this.scale) {
      this.units *= power(other.scale - this.scale)
      this.scale = other.scale
    }
    this.units += other.units * power(this.scale - other.scale)
  }

  isZero(): boolean {
    return this.units === 0n
  }

  /** The canonical decimal text: no exponent, no trailing zeros after the point, "0" for zero. */
  toString(): string {
    if (this.units === 0n) return '0'
    const negative = this.units < 0n
    let digits = (negative ? -this.units : this.units).toString()
    let scale = this.scale
    while (scale > 0 && digits.endsWith('0')) {
      digits = digits.slice(0, -1)
      scale--
    }
    if (scale > 0) {
      digits = digits.padStart(scale + 1, '0')
      digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
    }
    return negative ? `-${digits}` : digits
  }
}
