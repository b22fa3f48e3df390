import {InternalError} from '../domain/errors.js'

/**
 * Seeded randomness for the Monte Carlo estimate, the same on every machine.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator,
 * 128 bits of state, 32-bit output), seeded through splitmix32. It uses only
 * 32-bit integer operations (`Math.imul`, shifts, additions wrapped with `| 0`
 * or `>>> 0`), which JavaScript defines exactly, so a seed gives the same
 * stream on every platform. `Math.random` is never used.
 *
 * Each stream is keyed by (seed, run, parameter path): a run's values do not
 * depend on which worker evaluates it, nor on the other runs, nor (for one
 * parameter) on the other parameters of the scenario.
 *
 * Sampling uses + − × ÷ and `Math.sqrt` (all correctly rounded by IEEE 754,
 * hence identical everywhere) and, for the gamma variates behind PERT,
 * `Math.log`. V8 computes `Math.log` with its own port of fdlibm
 * (`ieee754::log`), not the C library, so it too gives the same bits on every
 * platform a given Node version runs on. Triangular sampling needs no `log`.
 */

/** MurmurHash3's 32-bit finaliser: a bijection on 32-bit integers that mixes every bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** One step of splitmix32: returns [output, next state]. */
export function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0
  let z = next
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
  return [(z ^ (z >>> 15)) >>> 0, next]
}

/** FNV-1a over the UTF-16 code units of a string (parameter paths are ASCII). */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    h ^= text.charCodeAt(index)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A seed (any safe integer) as two 32-bit words, low and high, of its 64-bit two's complement. */
export function seedWords(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed)) throw new InternalError(`a seed must be a safe integer (got ${seed})`)
  const bits = BigInt.asUintN(64, BigInt(seed))
  return [Number(bits & 0xffffffffn), Number(bits >> 32n)]
}

const TWO_POW_32 = 4294967296
const TWO_POW_53 = 9007199254740992
const TWO_POW_26 = 67108864

/** sfc32: a = b ^ (b >>> 9); b = c + (c << 3); c = rotl(c, 21) + t; d += 1; t = a + b + d. */
export class Sfc32 {
  private a: number
  private b: number
  private c: number
  private d: number
  /** The second normal variate of the polar method, kept for the next call. */
  private spare: number | undefined

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0
    this.b = b | 0
    this.c = c | 0
    this.d = d | 0
    // The recommended warm-up: 12 outputs discarded, so that close seeds give unrelated streams.
    for (let index = 0; index < 12; index++) this.nextUint32()
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** A uniform double in [0, 1) with 53 random bits (27 + 26 from two outputs). */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5
    const low = this.nextUint32() >>> 6
    return (high * TWO_POW_26 + low) / TWO_POW_53
  }

  /** A uniform double in (0, 1): never exactly 0, for logarithms. */
  nextOpen(): number {
    let u = this.nextDouble()
    while (u === 0) u = this.nextDouble()
    return u
  }

  /**
   * A standard normal variate by Marsaglia's polar method (sqrt and log
   * only, no trigonometry); the pair's second value is kept for the next call.
   */
  nextNormal(): number {
    if (this.spare !== undefined) {
      const value = this.spare
      this.spare = undefined
      return value
    }
    for (;;) {
      const u = 2 * this.nextDouble() - 1
      const v = 2 * this.nextDouble() - 1
      const s = u * u + v * v
      if (s >= 1 || s === 0) continue
      const factor = Math.sqrt((-2 * Math.log(s)) / s)
      this.spare = v * factor
      return u * factor
    }
  }
}

/**
 * The generator of one key, e.g. (seed, run, parameter): the key's words are
 * hashed into two independent 32-bit lanes, which splitmix32 expands into the
 * four state words of sfc32.
 */
export function generator(words: readonly number[]): Sfc32 {
  let h1 = 0x6a09e667
  let h2 = 0xbb67ae85
  for (const word of words) {
    h1 = fmix32((Math.imul(h1 ^ (word >>> 0), 0x01000193) + 0x7f4a7c15) | 0)
    h2 = fmix32((Math.imul(h2 + (word >>> 0), 0x5bd1e995) ^ 0x3c6ef372) >>> 0)
  }
  let state = h1
  const state2 = h2
  const out: number[] = []
  for (let index = 0; index < 3; index++) {
    const [value, next] = splitmix32(state)
    out.push(value)
    state = next
  }
  return new Sfc32(out[0], out[1] ^ state2, out[2], fmix32(state2 ^ 0x9e3779b9))
}

/** The stream of one parameter in one run: depends only on (seed, run, path). */
export function streamFor(seed: number, run: number, path: string): Sfc32 {
  const [low, high] = seedWords(seed)
  return generator([low, high, run >>> 0, Math.floor(run / TWO_POW_32) >>> 0, hashString(path)])
}

/**
 * A Gamma(shape, 1) variate for shape ≥ 1 (Marsaglia and Tsang, 2000): with
 * d = shape − 1/3 and c = 1/√(9d), draw x ~ N(0,1), v = (1 + cx)³, accept
 * dv when v > 0 and log u < x²/2 + d − dv + d·log v (with the cheap squeeze
 * u < 1 − 0.0331x⁴ first). PERT shapes are always between 1 and 5.
 */
export function gamma(rng: Sfc32, shape: number): number {
  if (!(shape >= 1)) throw new InternalError(`gamma sampling needs a shape of at least 1 (got ${shape})`)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    const x = rng.nextNormal()
    let v = 1 + c * x
    if (v <= 0) continue
    v = v * v * v
    const u = rng.nextOpen()
    const x2 = x * x
    if (u < 1 - 0.0331 * x2 * x2) return d * v
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v
  }
}

/** A Beta(α, β) variate as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β). */
export function beta(rng: Sfc32, alpha: number, betaShape: number): number {
  const x = gamma(rng, alpha)
  const y = gamma(rng, betaShape)
  return x / (x + y)
}

/** The shapes of a PERT distribution (λ = 4): α = 1 + 4(m − a)/(b − a), β = 1 + 4(b − m)/(b − a). */
export function pertShapes(low: number, mode: number, high: number): {alpha: number; beta: number} {
  const range = high - low
  return {alpha: 1 + (4 * (mode - low)) / range, beta: 1 + (4 * (high - mode)) / range}
}

/** A PERT variate on [low, high] with the given mode: low + (high − low) × Beta(α, β). */
export function samplePert(rng: Sfc32, low: number, mode: number, high: number): number {
  if (!(high > low)) return mode
  const {alpha, beta: betaShape} = pertShapes(low, mode, high)
  const value = low + (high - low) * beta(rng, alpha, betaShape)
  return Math.min(high, Math.max(low, value))
}

/**
 * A triangular variate by inverting its distribution function: with
 * F = (m − a)/(b − a), u < F gives a + √(u(b − a)(m − a)), otherwise
 * b − √((1 − u)(b − a)(b − m)).
 */
export function sampleTriangular(rng: Sfc32, low: number, mode: number, high: number): number {
  if (!(high > low)) return mode
  const range = high - low
  const u = rng.nextDouble()
  const value = u * range < mode - low ? low + Math.sqrt(u * range * (mode - low)) : high - Math.sqrt((1 - u) * range * (high - mode))
  return Math.min(high, Math.max(low, value))
}

/** Analytic mean and variance, for documentation and tests. */
export function pertMoments(low: number, mode: number, high: number): {mean: number; variance: number} {
  const mean = (low + 4 * mode + high) / 6
  return {mean, variance: ((mean - low) * (high - mean)) / 7}
}

export function triangularMoments(low: number, mode: number, high: number): {mean: number; variance: number} {
  return {mean: (low + mode + high) / 3, variance: (low * low + mode * mode + high * high - low * mode - low * high - mode * high) / 18}
}
