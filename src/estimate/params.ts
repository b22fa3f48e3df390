/**
 * Numeric parameters of a scenario. Any of them may be uncertain:
 * `{low, base, high}` (optionally with `distribution: pert | triangular`).
 */
export type ParamKind = 'fraction' | 'percent' | 'money' | 'count' | 'hours' | 'months' | 'rate' | 'number'

export interface ParamSpec {
  kind: ParamKind
  description: string
  required?: boolean
  default?: number
  min?: number
  max?: number
}

export const DISTRIBUTIONS = ['pert', 'triangular'] as const
export type Distribution = (typeof DISTRIBUTIONS)[number]

/** A parameter as the scenario gives it: decimal strings, exactly as written. */
export interface ParamValue {
  /** Where it is, e.g. `measures[2].reduction`, for messages, sensitivity and the assumptions register. */
  path: string
  base: string
  low?: string
  high?: string
  distribution?: Distribution
}

export function isUncertain(value: ParamValue): boolean {
  return value.low !== undefined && value.high !== undefined && (value.low !== value.base || value.high !== value.base)
}

/** Default bounds by kind; a spec's own min/max win. */
export function bounds(spec: ParamSpec): {min: number; max: number} {
  const byKind: Record<ParamKind, {min: number; max: number}> = {
    fraction: {min: 0, max: 1},
    percent: {min: 0, max: 100},
    money: {min: 0, max: Number.MAX_SAFE_INTEGER},
    count: {min: 0, max: Number.MAX_SAFE_INTEGER},
    hours: {min: 0, max: Number.MAX_SAFE_INTEGER},
    months: {min: 0, max: 120},
    rate: {min: -0.99, max: 1},
    number: {min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY},
  }
  const base = byKind[spec.kind]
  return {min: spec.min ?? base.min, max: spec.max ?? base.max}
}

/**
 * The values one evaluation uses: the base values, or one Monte Carlo draw,
 * or one sensitivity case. Keyed by parameter path.
 */
export type Draw = ReadonlyMap<string, string>
