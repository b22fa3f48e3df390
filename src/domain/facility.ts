/**
 * Facilities of the register: data centres, server rooms, colocation space and
 * cloud regions, with metrics kept per reporting period (DCOI data is quarterly).
 * The closed sets of values are those of OMB's Integrated Data Collection (IDC)
 * inventory, as OMB's own validators list them (github.com/ombegov/dcoi).
 */
export const OWNERSHIP_TYPES = ['agency-owned', 'colocation', 'outsourcing', 'cloud-provider'] as const
export type OwnershipType = (typeof OWNERSHIP_TYPES)[number]

export const SHARED_POSITIONS = ['provider', 'tenant', 'none'] as const
export type SharedPosition = (typeof SHARED_POSITIONS)[number]

export const TIERS = ['tier-1', 'tier-2', 'tier-3', 'tier-4', 'non-tiered', 'unknown', 'cloud'] as const
export type Tier = (typeof TIERS)[number]

export const KEY_MISSION_TYPES = ['mission', 'processing', 'control', 'location', 'legal', 'other'] as const
export type KeyMissionType = (typeof KEY_MISSION_TYPES)[number]

export const CLOSING_STAGES = ['not-closing', 'migration-execution', 'closed'] as const
export type ClosingStage = (typeof CLOSING_STAGES)[number]

export const COUNTRIES = ['us', 'outside-us'] as const
export type Country = (typeof COUNTRIES)[number]

export interface FacilityRecord {
  /** The DCOI Data Center ID (DCOI-DC-12345), or a kasumi id for a facility without one. */
  id: string
  /** Ministry or agency, as the source names it (a ministry code, or an agency abbreviation such as DOE). */
  agency: string
  component: string | null
  name: string | null
  country: Country | null
  ownership: OwnershipType | null
  sharedPosition: SharedPosition | null
  tier: Tier | null
  keyMission: boolean | null
  keyMissionType: KeyMissionType | null
  closingStage: ClosingStage | null
  /** Fiscal year the facility closes (or closed) in. */
  closingYear: number | null
  /** Quarter 1–4 of that fiscal year. */
  closingQuarter: number | null
  comments: string | null
}

/** One facility's figures for one reporting period. Decimals are exact decimal strings. */
export interface FacilityMetrics {
  facilityId: string
  /** The reporting period, `2024-Q3`: fiscal year and quarter. */
  period: string
  grossFloorArea: string | null
  rackCount: number | null
  totalServers: number | null
  mainframes: number | null
  hpcNodes: number | null
  virtualHosts: number | null
  underutilisedServers: number | null
  electricityMetered: boolean | null
  /** Average total electricity use of the facility (kWh). */
  avgElectricity: string | null
  /** Average electricity use of its IT equipment (kWh). */
  avgItElectricity: string | null
  plannedHours: string | null
  downtimeHours: string | null
}

export const FACILITY_FIELDS = [
  'id',
  'agency',
  'component',
  'name',
  'country',
  'ownership',
  'sharedPosition',
  'tier',
  'keyMission',
  'keyMissionType',
  'closingStage',
  'closingYear',
  'closingQuarter',
  'comments',
] as const satisfies ReadonlyArray<keyof FacilityRecord>

export const METRIC_FIELDS = [
  'grossFloorArea',
  'rackCount',
  'totalServers',
  'mainframes',
  'hpcNodes',
  'virtualHosts',
  'underutilisedServers',
  'electricityMetered',
  'avgElectricity',
  'avgItElectricity',
  'plannedHours',
  'downtimeHours',
] as const satisfies ReadonlyArray<keyof FacilityMetrics>
export type MetricField = (typeof METRIC_FIELDS)[number]

/** A facility field or metric as the change log records it: text, or null. */
export function facilityValueText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return String(value)
}

/**
 * A reporting period from `2024-Q3`, `FY2024-Q3`, `FY2024 Q3` or OMB's `2024q3`:
 * the canonical `2024-Q3`, or undefined.
 */
export function parsePeriod(text: string): string | undefined {
  const match = /^(?:FY\s*)?(\d{4})[\s-]*Q([1-4])$/i.exec(text.trim())
  if (!match) return undefined
  const year = Number(match[1])
  if (year < 1990 || year > 2100) return undefined
  return `${year}-Q${match[2]}`
}

/** Periods in time order (the canonical form sorts as text). */
export function comparePeriods(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The name of a facility field or figure in the change log, JSON-free output and kasumi's own headers. */
export const FACILITY_FIELD_NAMES: Record<keyof FacilityRecord | MetricField, string> = {
  id: 'id',
  agency: 'agency',
  component: 'component',
  name: 'name',
  country: 'country',
  ownership: 'ownership',
  sharedPosition: 'shared_services_position',
  tier: 'tier',
  keyMission: 'key_mission',
  keyMissionType: 'key_mission_type',
  closingStage: 'closing_stage',
  closingYear: 'closing_fy',
  closingQuarter: 'closing_quarter',
  comments: 'comments',
  grossFloorArea: 'gross_floor_area',
  rackCount: 'rack_count',
  totalServers: 'total_servers',
  mainframes: 'mainframes',
  hpcNodes: 'hpc_nodes',
  virtualHosts: 'virtual_hosts',
  underutilisedServers: 'underutilised_servers',
  electricityMetered: 'electricity_metered',
  avgElectricity: 'avg_electricity_kwh',
  avgItElectricity: 'avg_it_electricity_kwh',
  plannedHours: 'planned_hours',
  downtimeHours: 'downtime_hours',
}
