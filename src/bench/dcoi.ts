import {comparePeriods, type FacilityMetrics, type FacilityRecord} from '../domain/facility.js'
import {Dec, ZERO, canonical} from '../domain/money.js'

/**
 * The US Data Center Optimization Initiative's metrics, computed from the
 * facilities of the register for one reporting period, per agency and in
 * total, with OMB's targets beside them, and the closures by fiscal year.
 *
 * Targets and definitions come from two OMB memoranda:
 * - M-16-19 (August 2016, "Data Center Optimization Initiative"): the
 *   optimisation targets for tiered data centres: advanced energy metering
 *   100 %, PUE ≤ 1.5 (1.4 for new data centres), virtualisation ≥ 4,
 *   server utilisation ≥ 65 %, facility utilisation ≥ 80 %.
 * - M-19-19 (June 2019, "Update to Data Center Optimization Initiative"):
 *   the metrics since then, counted per data centre — advanced energy
 *   metering, virtualisation (virtual hosts), underutilised production
 *   servers and availability (1 − downtime ÷ planned hours of availability) —
 *   with targets agreed agency by agency rather than one figure for all; it
 *   dropped PUE and facility utilisation.
 * The population is the one OMB's own dashboard script counts
 * (runDCOIReport.py in github.com/ombegov/dcoi): open (not closed),
 * agency-owned data centres of Tier 1–4.
 */

/** The floor area M-16-19 counts for each active rack, in square feet. */
export const RACK_SQ_FT = 30

export interface DcoiMetricDefinition {
  id: DcoiMetricId
  label: string
  unit: 'ratio' | 'servers'
  decimals: number
  /** The target as OMB states it, with the memorandum. */
  target: string
  /** The target as a number to compare with, and which side meets it; absent when targets are agency-specific. */
  goal?: {value: string; meets: 'at-least' | 'at-most'}
  source: string
  definition: string
}

export const DCOI_METRIC_IDS = [
  'energy-metering',
  'pue',
  'availability',
  'virtualisation',
  'underutilised-servers',
  'underutilised-share',
  'facility-utilisation',
] as const
export type DcoiMetricId = (typeof DCOI_METRIC_IDS)[number]

export const DCOI_METRICS: readonly DcoiMetricDefinition[] = [
  {
    id: 'energy-metering',
    label: 'Energy-metering coverage',
    unit: 'ratio',
    decimals: 6,
    target: '100 % (OMB M-16-19)',
    goal: {value: '1', meets: 'at-least'},
    source:
      'OMB M-16-19 (target: advanced energy metering in every tiered data centre); OMB M-19-19 (metric: data centres with advanced energy metering)',
    definition: 'Data centres of the population whose electricity is metered ÷ data centres of the population (IDC field Electricity Is Metered).',
  },
  {
    id: 'pue',
    label: 'Power usage effectiveness (PUE)',
    unit: 'ratio',
    decimals: 4,
    target: '≤ 1.5; ≤ 1.4 for new data centres (OMB M-16-19; M-19-19 no longer sets one)',
    goal: {value: '1.5', meets: 'at-most'},
    source: 'OMB M-16-19 (PUE = total data-centre energy ÷ IT equipment energy)',
    definition:
      'Σ average total electricity ÷ Σ average IT electricity, over the metered data centres of the population that give both (IDC fields Avg Electricity Usage, Avg IT Electricity Usage).',
  },
  {
    id: 'availability',
    label: 'Availability',
    unit: 'ratio',
    decimals: 6,
    target: 'agency-specific (OMB M-19-19)',
    source: 'OMB M-19-19 (availability = 1 − actual hours of downtime ÷ planned hours of availability)',
    definition:
      '1 − Σ actual hours of facility downtime ÷ Σ planned hours of facility availability, over the data centres of the population that give both.',
  },
  {
    id: 'virtualisation',
    label: 'Virtualisation (virtual hosts per server)',
    unit: 'ratio',
    decimals: 6,
    target: 'agency-specific (OMB M-19-19); M-16-19 asked for ≥ 4 OS instances per server, which the IDC no longer collects',
    source: 'OMB M-19-19 (metric: virtual hosts)',
    definition:
      'Σ total virtual hosts ÷ Σ total servers, over the data centres of the population that give both: the share of servers that host virtual machines.',
  },
  {
    id: 'underutilised-servers',
    label: 'Underutilised servers',
    unit: 'servers',
    decimals: 0,
    target: 'agency-specific reduction (OMB M-19-19)',
    source: 'OMB M-19-19 (metric: underutilised production servers, as the agency defines them)',
    definition: 'Σ underutilised servers over the data centres of the population that give the figure.',
  },
  {
    id: 'underutilised-share',
    label: 'Underutilised server share',
    unit: 'ratio',
    decimals: 6,
    target: 'agency-specific (OMB M-19-19)',
    source: 'kasumi (underutilised servers ÷ servers, so that agencies of different size compare); OMB M-19-19 counts them',
    definition: 'Σ underutilised servers ÷ Σ total servers, over the data centres of the population that give both.',
  },
  {
    id: 'facility-utilisation',
    label: 'Facility utilisation',
    unit: 'ratio',
    decimals: 6,
    target: '≥ 80 % (OMB M-16-19; dropped by M-19-19)',
    goal: {value: '0.8', meets: 'at-least'},
    source:
      'OMB M-16-19 (facility utilisation = floor area in active use by IT equipment racks, each active rack counted as 30 sq ft, ÷ total gross floor area); M-19-19 dropped the metric, and the IDC still collects Rack Count and Gross Floor Area',
    definition: `Σ (rack count × ${RACK_SQ_FT} sq ft) ÷ Σ gross floor area, over the data centres of the population that give both (IDC fields Rack Count, Gross Floor Area).`,
  },
]

const DEFINITION: ReadonlyMap<DcoiMetricId, DcoiMetricDefinition> = new Map(DCOI_METRICS.map((metric) => [metric.id, metric]))

/** Exact sums of one agency (or all) for one period. */
export interface DcoiTotals {
  /** Facilities with figures for the period. */
  facilities: number
  /** Open, agency-owned, Tier 1–4 facilities with figures for the period. */
  population: number
  meteredKnown: number
  metered: number
  pueFacilities: number
  totalKwh: Dec
  itKwh: Dec
  availabilityFacilities: number
  downtime: Dec
  planned: Dec
  virtualFacilities: number
  virtualHosts: number
  serversWithHosts: number
  underutilisedFacilities: number
  underutilised: number
  serversWithUnderutilised: number
  utilisationFacilities: number
  racks: number
  floorArea: Dec
}

const emptyTotals = (): DcoiTotals => ({
  facilities: 0,
  population: 0,
  meteredKnown: 0,
  metered: 0,
  pueFacilities: 0,
  totalKwh: ZERO,
  itKwh: ZERO,
  availabilityFacilities: 0,
  downtime: ZERO,
  planned: ZERO,
  virtualFacilities: 0,
  virtualHosts: 0,
  serversWithHosts: 0,
  underutilisedFacilities: 0,
  underutilised: 0,
  serversWithUnderutilised: 0,
  utilisationFacilities: 0,
  racks: 0,
  floorArea: ZERO,
})

/** Whether a facility is in the population OMB's dashboard counts: open, agency-owned, Tier 1–4. */
export function inDcoiPopulation(facility: FacilityRecord): boolean {
  return (
    facility.ownership === 'agency-owned' &&
    facility.closingStage !== 'closed' &&
    facility.tier !== null &&
    ['tier-1', 'tier-2', 'tier-3', 'tier-4'].includes(facility.tier)
  )
}

function add(totals: DcoiTotals, facility: FacilityRecord, metrics: FacilityMetrics): void {
  totals.facilities++
  if (!inDcoiPopulation(facility)) return
  totals.population++
  if (metrics.electricityMetered !== null) {
    totals.meteredKnown++
    if (metrics.electricityMetered) totals.metered++
  }
  if (metrics.electricityMetered && metrics.avgElectricity !== null && metrics.avgItElectricity !== null) {
    totals.pueFacilities++
    totals.totalKwh = totals.totalKwh.plus(metrics.avgElectricity)
    totals.itKwh = totals.itKwh.plus(metrics.avgItElectricity)
  }
  if (metrics.downtimeHours !== null && metrics.plannedHours !== null) {
    totals.availabilityFacilities++
    totals.downtime = totals.downtime.plus(metrics.downtimeHours)
    totals.planned = totals.planned.plus(metrics.plannedHours)
  }
  if (metrics.virtualHosts !== null && metrics.totalServers !== null) {
    totals.virtualFacilities++
    totals.virtualHosts += metrics.virtualHosts
    totals.serversWithHosts += metrics.totalServers
  }
  if (metrics.underutilisedServers !== null) {
    totals.underutilisedFacilities++
    totals.underutilised += metrics.underutilisedServers
    if (metrics.totalServers !== null) totals.serversWithUnderutilised += metrics.totalServers
  }
  if (metrics.rackCount !== null && metrics.grossFloorArea !== null) {
    totals.utilisationFacilities++
    totals.racks += metrics.rackCount
    totals.floorArea = totals.floorArea.plus(metrics.grossFloorArea)
  }
}

export interface DcoiValue {
  /** Exact decimal string, rounded once half-up to the metric's decimals; null when n/a. */
  value: string | null
  /** Facilities the value is computed over. */
  facilities: number
  /** Whether the value meets OMB's target (absent when the target is agency-specific or the value n/a). */
  meetsTarget?: boolean
  reason?: string
  /** The fields that would be needed. */
  missing?: string[]
}

const NO_POPULATION = 'no open agency-owned Tier 1–4 data centre has figures for the period'

function quotient(numerator: Dec, denominator: Dec, decimals: number): string {
  return canonical(numerator.dividedBy(denominator).toDecimalPlaces(decimals, Dec.ROUND_HALF_UP))
}

/** One metric of one agency's (or all) sums: an exact decimal rounded once half-up, or n/a with the reason and the missing fields. */
export function dcoiMetricValue(id: DcoiMetricId, totals: DcoiTotals): DcoiValue {
  const d = DEFINITION.get(id)!.decimals
  const na = (reason: string, missing?: string[], facilities = 0): DcoiValue => ({value: null, facilities, reason, ...(missing ? {missing} : {})})
  if (totals.population === 0) return na(NO_POPULATION)
  let result: DcoiValue
  switch (id) {
    case 'energy-metering':
      if (totals.meteredKnown === 0) return na('no data centre of the population says whether its electricity is metered', ['electricity_metered'])
      result = {value: quotient(new Dec(totals.metered), new Dec(totals.population), d), facilities: totals.population}
      break
    case 'pue':
      if (totals.pueFacilities === 0)
        return na('no metered data centre of the population gives both its total and its IT electricity use', [
          'avg_electricity_kwh',
          'avg_it_electricity_kwh',
        ])
      if (totals.itKwh.isZero()) return na('the IT electricity use of the metered data centres is 0', undefined, totals.pueFacilities)
      result = {value: quotient(totals.totalKwh, totals.itKwh, d), facilities: totals.pueFacilities}
      break
    case 'availability':
      if (totals.availabilityFacilities === 0)
        return na('no data centre of the population gives both its downtime and its planned hours of availability', [
          'downtime_hours',
          'planned_hours',
        ])
      if (totals.planned.isZero()) return na('the planned hours of availability add up to 0', undefined, totals.availabilityFacilities)
      result = {value: quotient(totals.planned.minus(totals.downtime), totals.planned, d), facilities: totals.availabilityFacilities}
      break
    case 'virtualisation':
      if (totals.virtualFacilities === 0)
        return na('no data centre of the population gives both virtual hosts and servers', ['virtual_hosts', 'total_servers'])
      if (totals.serversWithHosts === 0) return na('the data centres that give virtual hosts give 0 servers', undefined, totals.virtualFacilities)
      result = {value: quotient(new Dec(totals.virtualHosts), new Dec(totals.serversWithHosts), d), facilities: totals.virtualFacilities}
      break
    case 'underutilised-servers':
      if (totals.underutilisedFacilities === 0)
        return na('no data centre of the population gives its underutilised servers', ['underutilised_servers'])
      result = {value: String(totals.underutilised), facilities: totals.underutilisedFacilities}
      break
    case 'underutilised-share':
      if (totals.underutilisedFacilities === 0)
        return na('no data centre of the population gives its underutilised servers', ['underutilised_servers'])
      if (totals.serversWithUnderutilised === 0)
        return na('the data centres that give underutilised servers give no server count', ['total_servers'], totals.underutilisedFacilities)
      result = {
        value: quotient(new Dec(totals.underutilised), new Dec(totals.serversWithUnderutilised), d),
        facilities: totals.underutilisedFacilities,
      }
      break
    case 'facility-utilisation':
      if (totals.utilisationFacilities === 0)
        return na('no data centre of the population gives both its rack count and its gross floor area', ['rack_count', 'gross_floor_area'])
      if (totals.floorArea.isZero()) return na('the gross floor area of those data centres adds up to 0', undefined, totals.utilisationFacilities)
      result = {
        value: quotient(new Dec(totals.racks).times(RACK_SQ_FT), totals.floorArea, d),
        facilities: totals.utilisationFacilities,
      }
      break
  }
  const goal = DEFINITION.get(id)!.goal
  if (goal && result.value !== null) {
    const compared = new Dec(result.value).comparedTo(goal.value)
    result.meetsTarget = goal.meets === 'at-least' ? compared >= 0 : compared <= 0
  }
  return result
}

export interface DcoiGroup {
  agency: string
  facilities: number
  population: number
  metrics: Record<DcoiMetricId, DcoiValue>
}

export interface DcoiClosureRow {
  agency: string
  /** The fiscal year of the closure (planned, for those in migration). */
  fiscalYear: number | null
  closed: number
  inMigration: number
  /** Gross floor area of the closed facilities (their latest figures), exact decimal. */
  floorAreaRemoved: string
  /** Servers of the closed facilities (their latest figures). */
  serversRemoved: number
  /** Closed facilities without floor area or servers in their figures. */
  withoutFigures: number
}

export interface DcoiFacilities {
  period: string
  periods: string[]
  population: string
  definitions: readonly DcoiMetricDefinition[]
  agencies: DcoiGroup[]
  total: DcoiGroup
  closures: DcoiClosureRow[]
  notes: string[]
}

/** The sums per agency and in total of one period (default: the latest with figures); undefined when no facility has figures. */
export function dcoiTotals(
  facilities: readonly FacilityRecord[],
  metrics: readonly FacilityMetrics[],
  period?: string,
): {period: string; periods: string[]; byAgency: Map<string, DcoiTotals>; all: DcoiTotals} | undefined {
  const periods = [...new Set(metrics.map((entry) => entry.period))].sort(comparePeriods)
  const chosen = period ?? periods.at(-1)
  if (chosen === undefined) return undefined
  const byId = new Map(facilities.map((facility) => [facility.id, facility]))
  const byAgency = new Map<string, DcoiTotals>()
  const all = emptyTotals()
  for (const entry of metrics) {
    if (entry.period !== chosen) continue
    const facility = byId.get(entry.facilityId)
    if (!facility) continue
    const totals = byAgency.get(facility.agency) ?? emptyTotals()
    byAgency.set(facility.agency, totals)
    add(totals, facility, entry)
    add(all, facility, entry)
  }
  return {period: chosen, periods, byAgency, all}
}

/** The DCOI metrics of the facilities for one period (default: the latest), per agency and in total, and the closures by fiscal year. */
export function dcoiMetrics(facilities: readonly FacilityRecord[], metrics: readonly FacilityMetrics[], period?: string): DcoiFacilities | undefined {
  const sums = dcoiTotals(facilities, metrics, period)
  if (!sums) return undefined
  const {period: chosen, periods, byAgency, all} = sums
  const group = (agency: string, totals: DcoiTotals): DcoiGroup => ({
    agency,
    facilities: totals.facilities,
    population: totals.population,
    metrics: Object.fromEntries(DCOI_METRIC_IDS.map((id) => [id, dcoiMetricValue(id, totals)])) as Record<DcoiMetricId, DcoiValue>,
  })
  const agencies = [...byAgency.keys()].sort().map((agency) => group(agency, byAgency.get(agency)!))

  // Closures: each facility's latest figures up to the period.
  const latest = new Map<string, FacilityMetrics>()
  for (const entry of metrics) {
    if (comparePeriods(entry.period, chosen) > 0) continue
    const seen = latest.get(entry.facilityId)
    if (!seen || comparePeriods(entry.period, seen.period) > 0) latest.set(entry.facilityId, entry)
  }
  const closures = new Map<string, DcoiClosureRow>()
  for (const facility of facilities) {
    if (facility.closingStage !== 'closed' && facility.closingStage !== 'migration-execution') continue
    const key = `${facility.agency}\u0000${facility.closingYear ?? ''}`
    const row = closures.get(key) ?? {
      agency: facility.agency,
      fiscalYear: facility.closingYear,
      closed: 0,
      inMigration: 0,
      floorAreaRemoved: '0',
      serversRemoved: 0,
      withoutFigures: 0,
    }
    closures.set(key, row)
    if (facility.closingStage === 'migration-execution') {
      row.inMigration++
      continue
    }
    row.closed++
    const figures = latest.get(facility.id)
    if (figures?.grossFloorArea) row.floorAreaRemoved = canonical(new Dec(row.floorAreaRemoved).plus(figures.grossFloorArea))
    if (figures?.totalServers !== null && figures?.totalServers !== undefined) row.serversRemoved += figures.totalServers
    if (!figures?.grossFloorArea || figures.totalServers === null) row.withoutFigures++
  }
  const closureRows = [...closures.values()].sort(
    (a, b) => (a.fiscalYear ?? Number.MAX_SAFE_INTEGER) - (b.fiscalYear ?? Number.MAX_SAFE_INTEGER) || a.agency.localeCompare(b.agency),
  )
  return {
    period: chosen,
    periods,
    population: 'open (not closed), agency-owned data centres of Tier 1–4, as OMB’s DCOI dashboard counts them',
    definitions: DCOI_METRICS,
    agencies,
    total: group('total', all),
    closures: closureRows,
    notes: [
      `Figures of reporting period ${chosen}${periods.length > 1 ? ` (the store has ${periods.join(', ')})` : ''}.`,
      'Targets: OMB M-16-19 (2016) set government-wide targets for energy metering (100 %), PUE (≤ 1.5), virtualisation, server and facility utilisation; OMB M-19-19 (2019) replaced them with metrics counted per data centre (energy metering, virtual hosts, underutilised servers, availability) and targets agreed with each agency.',
      'Closures: facilities closed or in migration by the fiscal year of their closure; floor area and servers removed are those of the closed facilities’ latest figures.',
    ],
  }
}
