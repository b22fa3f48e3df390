import {Dec} from '../domain/money.js'
import type {EstimateResult, GroupRow, YearRow} from '../estimate/results.js'

/** A reconciliation check: a recorded total against the sum of its parts, exact. */
export interface AuditCheck {
  id: string
  description: string
  expected: string
  actual: string
  ok: boolean
}

const GROUP_METRICS = ['savings', 'avoidance', 'oneTime', 'net', 'runRateSavings'] as const satisfies ReadonlyArray<keyof GroupRow>
const YEAR_METRICS = ['savings', 'avoidance', 'oneTime', 'net', 'nonCash'] as const satisfies ReadonlyArray<keyof YearRow>

function sumOf(values: Iterable<string | null | undefined>): Dec {
  let total = new Dec(0)
  for (const value of values) if (value !== null && value !== undefined) total = total.plus(value)
  return total
}

function check(id: string, description: string, expected: string, actual: Dec): AuditCheck {
  return {id, description, expected, actual: actual.toFixed(), ok: actual.equals(expected)}
}

/**
 * The reconciliation checks of an estimate, all exact: the totals equal the
 * sum of their parts by ministry, by measure and by year; the last
 * cumulative net is the net total; the joint-use summary's before − after
 * is its reduction and the sum of the joint-use rows; the effects totals are
 * the sums of the area rows. `byMinistry` and `byMeasure` come from one ledger.
 */
export function reconciliationChecks(byMinistry: EstimateResult, byMeasure: EstimateResult): AuditCheck[] {
  const totals = byMinistry.totals
  const checks: AuditCheck[] = []
  for (const [dimension, result] of [
    ['ministry', byMinistry],
    ['measure', byMeasure],
  ] as const) {
    const rows = result.by.rows
    for (const metric of GROUP_METRICS) {
      checks.push(
        check(
          `by-${dimension}.${metric}`,
          `totals.${metric} = sum of ${metric} over the ${rows.length} ${dimension} rows`,
          totals[metric],
          sumOf(rows.map((row) => row[metric])),
        ),
      )
    }
  }
  const years = totals.byYear
  for (const metric of YEAR_METRICS) {
    checks.push(
      check(
        `by-year.${metric}`,
        `totals.${metric} = sum of ${metric} over the ${years.length} years`,
        totals[metric],
        sumOf(years.map((row) => row[metric])),
      ),
    )
  }
  checks.push(
    check(
      'by-year.cumulative',
      `totals.net = the cumulative net of the last year (FY${years.at(-1)?.year ?? '?'})`,
      totals.net,
      new Dec(years.at(-1)?.cumulative ?? '0'),
    ),
  )
  const netIdentity = years.filter((row) => !new Dec(row.savings).plus(row.avoidance).minus(row.oneTime).equals(row.net)).length
  checks.push(check('by-year.net-identity', 'years where net ≠ savings + avoidance − one-time costs', '0', new Dec(netIdentity)))

  const {effects} = byMinistry
  const summary = effects.jointUseSummary
  checks.push(
    check(
      'joint-use.before-after',
      'joint-use reduction = before − after (thousands)',
      summary.reduction,
      new Dec(summary.before).minus(summary.after),
    ),
  )
  const jointRows = effects.rows.filter((row) => row.kind === 'joint-use')
  checks.push(
    check(
      'joint-use.rows',
      `joint-use reduction = sum of the ${jointRows.length} joint-use rows (thousands)`,
      summary.reduction,
      sumOf(jointRows.map((row) => row.costReductionThousandYen)),
    ),
  )
  const areaRows = effects.rows.filter((row) => row.kind === 'area')
  checks.push(
    check(
      'effects.cost',
      `effects cost reduction total = sum of the ${areaRows.length} area rows (thousands)`,
      effects.totals.costReductionThousandYen,
      sumOf(areaRows.map((row) => row.costReductionThousandYen)),
    ),
  )
  checks.push(
    check(
      'effects.hours',
      `effects hours reduction total = sum of the ${areaRows.length} area rows`,
      effects.totals.hoursReduction,
      sumOf(areaRows.map((row) => row.hoursReduction)),
    ),
  )
  return checks
}
