import {minorFactor} from '../domain/currency.js'
import {Dec} from '../domain/money.js'
import {M, cell, type Ledger} from '../estimate/engine.js'
import {mul, ONE, ratio, type Ratio} from '../estimate/exact.js'
import type {SystemInput} from '../estimate/model.js'
import {dcoiMetricValue, type DcoiMetricId, type DcoiTotals} from './dcoi.js'

/**
 * Benchmarking KPIs (標竿學習): one definition per KPI, and their values for
 * a group of systems (a ministry, a category, a business area or one system).
 *
 * Every value is computed from exact sums — money in integers of the
 * currency's minor unit, processing time in hundredths of an hour, servers
 * and users as counts — as one exact quotient rounded once, half-up (away
 * from zero, as decimal.js ROUND_HALF_UP and the engine round), to the KPI's
 * stated number of decimals. Values are held as integers in units of
 * 10^−decimals (exact integer division, a BigInt path where a product leaves
 * the safe-integer range) and given as Dec or as exact decimal strings. Peer
 * statistics are computed exactly from those values.
 */

export const BENCH_DIMENSIONS = ['ministry', 'category', 'area', 'system'] as const
export type BenchDimension = (typeof BENCH_DIMENSIONS)[number]

export type Better = 'higher' | 'lower' | 'none'
export type LocalText = {en: string; ja: string; 'zh-TW': string}

export interface KpiDefinition {
  id: string
  label: LocalText
  /** The unit, with {currency} for the scenario's currency. */
  unit: string
  /** Decimals the value is rounded to (half-up), once. */
  decimals: number
  /** Which direction ranks first in a league table; `none` for context figures (ranked largest first). */
  better: Better
  /** Needs an estimate (a scenario run) or the register alone. */
  needs: 'estimate' | 'register'
  /** Where the definition comes from. */
  source: string
  definition: string
}

/** Servers of a system are underutilised when its average utilisation is below this percentage. */
export const UNDERUTILISED_BELOW_PERCENT = 10

export const KPI_DEFINITIONS = [
  {
    id: 'baseline',
    label: {en: 'Baseline run-rate', ja: 'ベースライン（平年度）', 'zh-TW': '基準年經費'},
    unit: '{currency} per year',
    decimals: 2,
    better: 'none',
    needs: 'estimate',
    source: 'kasumi',
    definition:
      'Recurring cost of the base year of the scenario, summed over the systems of the group, in the scenario currency, at the prices of the run-rate year (the last horizon year; equal to the base year when inflation is 0). Planned one-time costs are not part of it.',
  },
  {
    id: 'savings',
    label: {en: 'Savings at full run-rate', ja: '平年度削減額', 'zh-TW': '全面實施後年削減額'},
    unit: '{currency} per year',
    decimals: 2,
    better: 'higher',
    needs: 'estimate',
    source: 'kasumi',
    definition:
      'Cash-releasing savings of the estimate in the last horizon year, when every measure has reached its full ramp. Cost avoidance and non-cash benefits are not savings.',
  },
  {
    id: 'savings-ratio',
    label: {en: 'Savings ratio', ja: '削減率', 'zh-TW': '削減率'},
    unit: 'ratio',
    decimals: 6,
    better: 'higher',
    needs: 'estimate',
    source: 'kasumi',
    definition: 'Savings at full run-rate ÷ baseline run-rate. n/a when the baseline is 0.',
  },
  {
    id: 'cost-per-system',
    label: {en: 'Cost per system', ja: 'システム当たり経費', 'zh-TW': '每系統經費'},
    unit: '{currency} per system per year',
    decimals: 2,
    better: 'lower',
    needs: 'estimate',
    source: 'kasumi',
    definition: 'Baseline run-rate ÷ number of systems in the baseline (systems with a recurring cost in the base year).',
  },
  {
    id: 'cost-per-user',
    label: {en: 'Cost per user', ja: '利用者当たり経費', 'zh-TW': '每使用者經費'},
    unit: '{currency} per user per year',
    decimals: 2,
    better: 'lower',
    needs: 'estimate',
    source: 'kasumi',
    definition:
      'Baseline run-rate ÷ users, both over the systems in the baseline that record users (register field users). n/a when no system records users.',
  },
  {
    id: 'hours-per-system',
    label: {en: 'Hours saved per system', ja: 'システム当たり削減時間', 'zh-TW': '每系統削減時間'},
    unit: 'hours per year per system',
    decimals: 2,
    better: 'higher',
    needs: 'estimate',
    source: 'kasumi',
    definition:
      'Processing hours saved per year at full run-rate (業務処理時間削減) ÷ number of systems in the baseline. n/a when no system records annual_hours.',
  },
  {
    id: 'hours-per-user',
    label: {en: 'Hours saved per user', ja: '利用者当たり削減時間', 'zh-TW': '每使用者削減時間'},
    unit: 'hours per year per user',
    decimals: 4,
    better: 'higher',
    needs: 'estimate',
    source: 'kasumi',
    definition:
      'Processing hours saved per year at full run-rate ÷ users (of the systems that record users). n/a when no system records users or annual_hours.',
  },
  {
    id: 'hours-ratio',
    label: {en: 'Hours saved ratio', ja: '処理時間削減率', 'zh-TW': '處理時間削減率'},
    unit: 'ratio',
    decimals: 6,
    better: 'higher',
    needs: 'estimate',
    source: 'kasumi',
    definition:
      'Processing hours saved per year at full run-rate ÷ annual processing hours before (register field annual_hours). n/a when no system records annual_hours.',
  },
  {
    id: 'fte',
    label: {en: 'FTE released', ja: '削減人年', 'zh-TW': '釋出人年'},
    unit: 'FTE',
    decimals: 1,
    better: 'higher',
    needs: 'estimate',
    source: 'kasumi',
    definition:
      "Processing hours saved per year at full run-rate ÷ the scenario's hours per full-time equivalent (hoursPerFte), as the estimate reports it. n/a when no system records annual_hours.",
  },
  {
    id: 'onetime-per-saving',
    label: {en: 'One-time cost per unit of annual saving', ja: '年間削減額当たり一時経費', 'zh-TW': '每單位年削減額之一次性經費'},
    unit: '{currency} per {currency} of annual saving',
    decimals: 4,
    better: 'lower',
    needs: 'estimate',
    source: 'kasumi',
    definition:
      'One-time costs over the whole horizon ÷ savings at full run-rate: a simple, undiscounted payback in years of full run-rate. n/a when the run-rate saving is 0 or negative.',
  },
  {
    id: 'payback',
    label: {en: 'Payback years', ja: '回収年数', 'zh-TW': '回收年數'},
    unit: 'years',
    decimals: 0,
    better: 'lower',
    needs: 'estimate',
    source: 'kasumi',
    definition:
      "Fiscal years from the first year in which the group's net (savings + avoidance − one-time costs) is not 0 to its payback year, both counted (paying back in the first year is 1): the payback year is the first from which the cumulative net stays at or above 0 to the end of the horizon, as the estimate defines it. n/a when the group does not pay back within the horizon.",
  },
  {
    id: 'virtualisation',
    label: {en: 'Virtualisation', ja: '仮想化率', 'zh-TW': '虛擬化比率'},
    unit: 'OS instances per physical server',
    decimals: 4,
    better: 'higher',
    needs: 'register',
    source: 'US DCOI, OMB M-16-19 (virtualization: OS instances ÷ physical servers; target ≥ 4)',
    definition:
      'OS instances ÷ physical servers (register fields os_instances and physical_servers, summed over the systems in the baseline that record both). n/a when no system records OS instances, or when they record no physical server.',
  },
  {
    id: 'utilisation',
    label: {en: 'Average server utilisation', ja: '平均サーバ使用率', 'zh-TW': '平均伺服器使用率'},
    unit: 'percent',
    decimals: 2,
    better: 'higher',
    needs: 'register',
    source: 'US DCOI, OMB M-16-19 (server utilization; target ≥ 65 %)',
    definition:
      'Average utilisation of the physical servers: Σ(utilisation_pct × physical_servers) ÷ Σ physical_servers over the systems in the baseline that record both. The register holds one average per system, not the per-server monitoring DCOI asks for. n/a when no system records both.',
  },
  {
    id: 'underutilised-servers',
    label: {en: 'Underutilised servers', ja: '低稼働サーバ数', 'zh-TW': '低使用率伺服器數'},
    unit: 'servers',
    decimals: 0,
    better: 'lower',
    needs: 'register',
    source: 'US DCOI, OMB M-19-19 (underutilized production servers; the agency defines "underutilized")',
    definition: `Physical servers of systems whose average utilisation is below ${UNDERUTILISED_BELOW_PERCENT} % (kasumi's definition of underutilised). n/a when no system records utilisation and servers.`,
  },
  {
    id: 'underutilised-share',
    label: {en: 'Underutilised server share', ja: '低稼働サーバ比率', 'zh-TW': '低使用率伺服器比率'},
    unit: 'ratio',
    decimals: 6,
    better: 'lower',
    needs: 'register',
    source: 'kasumi (underutilised servers ÷ servers with known utilisation, so that groups of different size compare)',
    definition:
      'Underutilised servers ÷ physical servers of the systems that record utilisation. n/a when no system records utilisation and servers.',
  },
  {
    id: 'energy-metering',
    label: {en: 'Energy-metering coverage', ja: '電力計測の実施率', 'zh-TW': '電力計量涵蓋率'},
    unit: 'ratio',
    decimals: 6,
    better: 'higher',
    needs: 'register',
    source: 'US DCOI: OMB M-19-19 (metric: data centres with advanced energy metering); OMB M-16-19 (target: 100 %)',
    definition:
      "Open agency-owned Tier 1–4 data centres of the group's agency (facility agency = ministry code; --by ministry) whose electricity is metered ÷ all of them, in the latest reporting period of the facilities. n/a for a group without such facilities, naming the field.",
  },
  {
    id: 'pue',
    label: {en: 'Power usage effectiveness (PUE)', ja: '電力使用効率（PUE）', 'zh-TW': '電力使用效率（PUE）'},
    unit: 'ratio',
    decimals: 4,
    better: 'lower',
    needs: 'register',
    source: 'US DCOI, OMB M-16-19 (PUE = total facility electricity ÷ IT equipment electricity; target ≤ 1.5)',
    definition:
      "Σ average total electricity ÷ Σ average IT electricity of the metered open agency-owned Tier 1–4 data centres of the group's agency (--by ministry) that give both, in the latest reporting period. n/a for a group without them, naming the fields.",
  },
  {
    id: 'availability',
    label: {en: 'Availability', ja: '可用性', 'zh-TW': '可用性'},
    unit: 'ratio',
    decimals: 6,
    better: 'higher',
    needs: 'register',
    source: 'US DCOI, OMB M-19-19 (availability = 1 − downtime ÷ planned hours of availability)',
    definition:
      "1 − Σ hours of downtime ÷ Σ planned hours of availability of the open agency-owned Tier 1–4 data centres of the group's agency (--by ministry) that give both, in the latest reporting period (a system's annual_hours are processing hours, not planned availability). n/a for a group without them, naming the fields.",
  },
] as const satisfies readonly KpiDefinition[]

export type KpiId = (typeof KPI_DEFINITIONS)[number]['id']
export const KPI_IDS: readonly KpiId[] = KPI_DEFINITIONS.map((kpi) => kpi.id)
export const KPI_BY_ID: ReadonlyMap<KpiId, KpiDefinition> = new Map(KPI_DEFINITIONS.map((kpi) => [kpi.id, kpi as KpiDefinition]))

export function kpiDefinition(id: KpiId): KpiDefinition {
  return KPI_BY_ID.get(id)!
}

export function kpiUnit(id: KpiId, currency: string): string {
  return kpiDefinition(id).unit.replaceAll('{currency}', currency)
}

/** Facility fields the infrastructure KPIs need (figures per reporting period of the group's facilities). */
export const MISSING_REGISTER_FIELDS: Partial<Record<KpiId, string[]>> = {
  'energy-metering': ['facility electricity_metered'],
  pue: ['facility avg_electricity_kwh', 'facility avg_it_electricity_kwh'],
  availability: ['facility downtime_hours', 'facility planned_hours'],
}

/** A KPI of one group: a value, or n/a with the reason (and any register field that is missing). */
export interface KpiValue {
  value: Dec | null
  reason?: string
  missing?: string[]
}

/** Exact sums for one group, from which every KPI is computed. */
export interface GroupTotals {
  key: string
  /** Systems of the group in the register. */
  registered: number
  /** Systems with a recurring cost in the base year: the population of every per-unit KPI. */
  systems: number
  /** Users of the systems that record users, and how many systems do. */
  users: number
  systemsWithUsers: number
  /** Baseline run-rate of the systems that record users, minor units. */
  baselineWithUsers: number
  /** Systems that record annual processing hours. */
  systemsWithHours: number
  physicalServers: number
  /** OS instances and physical servers of the systems that record both. */
  osInstances: number
  serversWithOs: number
  /** Systems that record OS instances. */
  systemsWithOs: number
  /** Physical servers of systems that record utilisation (and servers). */
  serversWithUtilisation: number
  /** Σ utilisation × servers, as a ratio of 1, scaled by UTILISATION_SCALE (exact integer) — or a Dec when a utilisation has more decimals. */
  utilisationWeighted: number
  utilisationExtra: Dec | null
  underutilisedServers: number
  /** Baseline run-rate, minor units. */
  baseline: number
  /** Sums of the facilities of the group's agency (by ministry, when the register has facilities). */
  facilities?: DcoiTotals
  estimate: {
    savings: number
    oneTime: number
    centiHoursSaved: number
    centiHoursBefore: number
    /** Net per horizon year, minor units. */
    nets: number[]
  } | null
}

/** Utilisation ratios (percent ÷ 100) are accumulated as integers of 10⁻⁸. */
const UTILISATION_SCALE = 100_000_000

export interface AggregateOptions {
  /** (1 + inflation)^(run-rate year − base year); ONE in real terms. */
  runRateFactor?: Ratio
}

export function groupKey(system: SystemInput, by: BenchDimension): string {
  switch (by) {
    case 'ministry':
      return system.ministry
    case 'category':
      return system.category
    case 'area':
      return system.area
    case 'system':
      return system.id
  }
}

/**
 * Exact sums per group: register fields over the systems in the baseline,
 * and the estimate's figures from the ledger's roll-up for the dimension
 * (`system` needs a ledger evaluated with keepSystems). One pass over the
 * systems; integers only.
 */
export function aggregate(
  systems: readonly SystemInput[],
  ledger: Ledger | undefined,
  by: BenchDimension,
  options: AggregateOptions = {},
): Map<string, GroupTotals> {
  const factor = options.runRateFactor ?? ONE
  const groups = new Map<string, GroupTotals>()
  for (const system of systems) {
    const key = groupKey(system, by)
    let group = groups.get(key)
    if (!group) {
      group = {
        key,
        registered: 0,
        systems: 0,
        users: 0,
        systemsWithUsers: 0,
        baselineWithUsers: 0,
        systemsWithHours: 0,
        physicalServers: 0,
        osInstances: 0,
        serversWithOs: 0,
        systemsWithOs: 0,
        serversWithUtilisation: 0,
        utilisationWeighted: 0,
        utilisationExtra: null,
        underutilisedServers: 0,
        baseline: 0,
        estimate: null,
      }
      groups.set(key, group)
    }
    group.registered++
    let recurring = 0
    for (const amount of system.recurring) recurring += amount
    if (recurring === 0) continue
    group.systems++
    const baseline = factor === ONE ? recurring : mul(recurring, factor)
    group.baseline += baseline
    // An empty register field is not a zero: a system leaves every KPI that needs the field.
    const empty = system.unrecorded ?? []
    if (!empty.includes('users')) {
      group.users += system.users
      group.systemsWithUsers++
      group.baselineWithUsers += baseline
    }
    if (!empty.includes('annualHours')) group.systemsWithHours++
    group.physicalServers += system.physicalServers
    if (!empty.includes('osInstances')) {
      group.systemsWithOs++
      if (!empty.includes('physicalServers')) {
        group.osInstances += system.osInstances
        group.serversWithOs += system.physicalServers
      }
    }
    const utilisation = system.utilisation
    if (utilisation !== null && system.physicalServers > 0) {
      const servers = system.physicalServers
      group.serversWithUtilisation += servers
      if (UTILISATION_SCALE % utilisation.den === 0) group.utilisationWeighted += utilisation.num * (UTILISATION_SCALE / utilisation.den) * servers
      else group.utilisationExtra = (group.utilisationExtra ?? new Dec(0)).plus(new Dec(utilisation.num).times(servers).dividedBy(utilisation.den))
      // utilisation < 10 % ⇔ num × 100 < 10 × den
      if (utilisation.num * 100 < UNDERUTILISED_BELOW_PERCENT * utilisation.den) group.underutilisedServers += servers
    }
  }
  if (ledger) {
    const rollup = ledger.rollups[by]
    const Y = ledger.years.length
    for (const [key, group] of groups) {
      const cells = rollup.get(key)
      if (!cells) continue
      let oneTime = 0
      const nets: number[] = []
      for (let y = 0; y < Y; y++) {
        oneTime += cell(cells, y, M.oneTime)
        nets.push(cell(cells, y, M.savings) + cell(cells, y, M.avoidance) - cell(cells, y, M.oneTime))
      }
      const last = Y - 1
      group.estimate = {
        savings: cell(cells, last, M.savings),
        oneTime,
        centiHoursSaved: cell(cells, last, M.centiHoursSaved),
        centiHoursBefore: cell(cells, last, M.centiHoursBefore),
        nets,
      }
    }
  }
  return groups
}

export interface KpiContext {
  currency: string
  /** Hours per full-time equivalent (the scenario's hoursPerFte). */
  hoursPerFte: Dec | null
  /** Whether an estimate was run: without one, the estimate KPIs are n/a. */
  hasEstimate: boolean
}

/** Why a KPI is n/a, and any register field that is missing. */
export interface KpiNa {
  reason: string
  missing?: string[]
}

const na = (reason: string, missing?: string[]): KpiNa => (missing ? {reason, missing} : {reason})
const NO_ESTIMATE = na('needs an estimate (--scenario)')
const NO_FIGURES = na('the estimate has no figures for this group')
const NO_BASELINE = na('no system of the group has a recurring cost in the base year')
const NO_USERS = na('no system records users', ['users'])
const ZERO_USERS = na('the systems that record users record 0 users')
const NO_HOURS = na('no system records annual processing hours', ['annual_hours'])
const NO_OS_INSTANCES = na('no system records OS instances', ['os_instances'])
const NO_SAVING = na('no saving at full run-rate')
const NO_PAYBACK = na('does not pay back within the horizon')
const NO_SERVERS = na('no physical server recorded', ['physical_servers'])
const NO_UTILISATION = na('no system records both utilisation and physical servers', ['utilisation_pct', 'physical_servers'])
const NO_FACILITIES = 'no facility of the register has figures for this group (facilities count by agency = ministry code, with --by ministry)'
const NO_METERING = na(NO_FACILITIES, MISSING_REGISTER_FIELDS['energy-metering'])
const NO_ELECTRICITY = na(NO_FACILITIES, MISSING_REGISTER_FIELDS.pue)
const NO_DOWNTIME = na(NO_FACILITIES, MISSING_REGISTER_FIELDS.availability)

/** A DCOI metric of the group's facilities as a KPI value in units of 10^−decimals, or why it is n/a. */
function fromFacilities(id: DcoiMetricId, group: GroupTotals, decimals: number, absent: KpiNa): number | KpiNa {
  if (!group.facilities) return absent
  const value = dcoiMetricValue(id, group.facilities)
  if (value.value === null)
    return na(
      value.reason ?? absent.reason,
      (value.missing ?? absent.missing)?.map((field) => (field.startsWith('facility') ? field : `facility ${field}`)),
    )
  return new Dec(value.value).times(POWERS[decimals]).toNumber()
}

/** Payback years from yearly nets (see the payback KPI); null when it does not pay back. */
export function paybackYears(nets: readonly number[]): number | null {
  let first = 0
  while (first < nets.length && nets[first] === 0) first++
  if (first === nets.length) return null
  let cumulative = 0
  let payback: number | null = null
  for (let index = 0; index < nets.length; index++) {
    cumulative += nets[index]
    if (index < first) continue
    if (cumulative < 0) payback = null
    else if (payback === null) payback = index
  }
  return payback === null ? null : payback - first + 1
}

const POWERS = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

/**
 * numerator × 10^decimals ÷ denominator, rounded half away from zero to an
 * integer: the KPI value in units of 10^−decimals, exact (a BigInt path
 * takes over where a product would leave the safe-integer range).
 */
export function scaledQuotient(numerator: number, denominator: number, decimals: number): number {
  return mul(numerator, {num: POWERS[decimals], den: denominator})
}

/** Hours per FTE as a ratio of integers, for exact division. */
function fteRatio(context: KpiContext): Ratio | null {
  return context.hoursPerFte ? ratio(context.hoursPerFte.toFixed()) : null
}

/**
 * One KPI of one group as an integer in units of 10^−decimals (the value
 * rounded once, half-up), or why it is n/a.
 */
export function kpiScaled(id: KpiId, group: GroupTotals, context: KpiContext, fte: Ratio | null = fteRatio(context)): number | KpiNa {
  const d = kpiDefinition(id).decimals
  const minor = minorFactor(context.currency)
  const estimate = group.estimate
  const needsEstimate = !context.hasEstimate ? NO_ESTIMATE : estimate === null ? NO_FIGURES : null
  switch (id) {
    case 'baseline':
      return context.hasEstimate ? scaledQuotient(group.baseline, minor, d) : NO_ESTIMATE
    case 'savings':
      return needsEstimate ?? scaledQuotient(estimate!.savings, minor, d)
    case 'savings-ratio':
      return needsEstimate ?? (group.baseline === 0 ? NO_BASELINE : scaledQuotient(estimate!.savings, group.baseline, d))
    case 'cost-per-system':
      return !context.hasEstimate ? NO_ESTIMATE : group.systems === 0 ? NO_BASELINE : scaledQuotient(group.baseline, minor * group.systems, d)
    case 'cost-per-user':
      return !context.hasEstimate
        ? NO_ESTIMATE
        : group.systems === 0
          ? NO_BASELINE
          : group.systemsWithUsers === 0
            ? NO_USERS
            : group.users === 0
              ? ZERO_USERS
              : scaledQuotient(group.baselineWithUsers, minor * group.users, d)
    case 'hours-per-system':
      return (
        needsEstimate ??
        (group.systems === 0
          ? NO_BASELINE
          : group.systemsWithHours === 0
            ? NO_HOURS
            : scaledQuotient(estimate!.centiHoursSaved, 100 * group.systems, d))
      )
    case 'hours-per-user':
      return (
        needsEstimate ??
        (group.systemsWithHours === 0
          ? NO_HOURS
          : group.systemsWithUsers === 0
            ? NO_USERS
            : group.users === 0
              ? ZERO_USERS
              : scaledQuotient(estimate!.centiHoursSaved, 100 * group.users, d))
      )
    case 'hours-ratio':
      return (
        needsEstimate ??
        (group.systemsWithHours === 0 || estimate!.centiHoursBefore === 0
          ? NO_HOURS
          : scaledQuotient(estimate!.centiHoursSaved, estimate!.centiHoursBefore, d))
      )
    case 'fte':
      // centi-hours ÷ 100 ÷ (num/den) = centi-hours × den ÷ (100 × num)
      return (
        needsEstimate ??
        (fte === null ? NO_ESTIMATE : group.systemsWithHours === 0 ? NO_HOURS : scaledQuotient(estimate!.centiHoursSaved * fte.den, 100 * fte.num, d))
      )
    case 'onetime-per-saving':
      return needsEstimate ?? (estimate!.savings <= 0 ? NO_SAVING : scaledQuotient(estimate!.oneTime, estimate!.savings, d))
    case 'payback': {
      if (needsEstimate) return needsEstimate
      const years = paybackYears(estimate!.nets)
      return years === null ? NO_PAYBACK : years * POWERS[d]
    }
    case 'virtualisation':
      return group.systemsWithOs === 0
        ? NO_OS_INSTANCES
        : group.serversWithOs === 0
          ? NO_SERVERS
          : scaledQuotient(group.osInstances, group.serversWithOs, d)
    case 'utilisation':
      if (group.serversWithUtilisation === 0) return NO_UTILISATION
      if (group.utilisationExtra !== null) {
        // A utilisation with more decimals than the integer path holds: the same quotient in Dec.
        const percent = utilisationSum(group).times(100).dividedBy(group.serversWithUtilisation)
        return percent.times(POWERS[d]).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber()
      }
      // Σ(u × s) is held × 10⁸ as a ratio of 1; in percent that is ÷ 10⁶.
      return scaledQuotient(group.utilisationWeighted, 1_000_000 * group.serversWithUtilisation, d)
    case 'underutilised-servers':
      return group.serversWithUtilisation === 0 ? NO_UTILISATION : group.underutilisedServers * POWERS[d]
    case 'underutilised-share':
      return group.serversWithUtilisation === 0 ? NO_UTILISATION : scaledQuotient(group.underutilisedServers, group.serversWithUtilisation, d)
    case 'energy-metering':
      return fromFacilities('energy-metering', group, d, NO_METERING)
    case 'pue':
      return fromFacilities('pue', group, d, NO_ELECTRICITY)
    case 'availability':
      return fromFacilities('availability', group, d, NO_DOWNTIME)
  }
}

/** One KPI over many groups: values in units of 10^−decimals (NaN for n/a), and why each n/a is. */
export interface KpiColumn {
  id: KpiId
  decimals: number
  values: Float64Array
  na: Array<KpiNa | undefined>
}

/** Every requested KPI of every group, as columns of exact scaled integers. */
export function kpiColumns(groups: readonly GroupTotals[], context: KpiContext, ids: readonly KpiId[] = KPI_IDS): Map<KpiId, KpiColumn> {
  const fte = fteRatio(context)
  const columns = new Map<KpiId, KpiColumn>()
  for (const id of ids) {
    const values = new Float64Array(groups.length)
    const reasons: Array<KpiNa | undefined> = new Array(groups.length)
    for (let index = 0; index < groups.length; index++) {
      const value = kpiScaled(id, groups[index], context, fte)
      if (typeof value === 'number') values[index] = value
      else {
        values[index] = Number.NaN
        reasons[index] = value
      }
    }
    columns.set(id, {id, decimals: kpiDefinition(id).decimals, values, na: reasons})
  }
  return columns
}

/** A scaled integer as an exact decimal string with `decimals` places: (12345, 2) → "123.45". */
export function formatScaled(value: number, decimals: number): string {
  const negative = value < 0
  const digits = String(Math.abs(value))
  if (decimals === 0) return negative && value !== 0 ? `-${digits}` : digits
  const padded = digits.padStart(decimals + 1, '0')
  const text = `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`
  return negative ? `-${text}` : text
}

/** Every KPI of one group, as exact decimals (Dec), or n/a with the reason. */
export function computeKpis(group: GroupTotals, context: KpiContext, ids: readonly KpiId[] = KPI_IDS): Record<KpiId, KpiValue> {
  const fte = fteRatio(context)
  const out = {} as Record<KpiId, KpiValue>
  for (const id of ids) {
    const value = kpiScaled(id, group, context, fte)
    out[id] = typeof value === 'number' ? {value: new Dec(formatScaled(value, kpiDefinition(id).decimals))} : {value: null, ...value}
  }
  return out
}

/** Σ utilisation × servers as a ratio of 1, exact. */
function utilisationSum(group: GroupTotals): Dec {
  const scaled = new Dec(group.utilisationWeighted).dividedBy(UTILISATION_SCALE)
  return group.utilisationExtra ? scaled.plus(group.utilisationExtra) : scaled
}
