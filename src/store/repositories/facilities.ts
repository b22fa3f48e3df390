import type {Kysely} from 'kysely'

import {
  FACILITY_FIELDS,
  METRIC_FIELDS,
  facilityValueText,
  type ClosingStage,
  type Country,
  type FacilityMetrics,
  type FacilityRecord,
  type KeyMissionType,
  type OwnershipType,
  type SharedPosition,
  type Tier,
} from '../../domain/facility.js'
import type {Database, FacilityMetricsTable, FacilityTable} from '../schema.js'

const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))
const yesNo = (value: string | null): boolean | null => (value === null ? null : value === 'yes')
const fromBoolean = (value: boolean | null): string | null => (value === null ? null : value ? 'yes' : 'no')

/** Each facility field with its column: the one place that maps the domain to the table. */
export const FACILITY_COLUMNS = {
  id: 'id',
  agency: 'agency',
  component: 'component',
  name: 'name',
  country: 'country',
  ownership: 'ownership',
  sharedPosition: 'shared_position',
  tier: 'tier',
  keyMission: 'key_mission',
  keyMissionType: 'key_mission_type',
  closingStage: 'closing_stage',
  closingYear: 'closing_fy',
  closingQuarter: 'closing_quarter',
  comments: 'comments',
} as const satisfies Record<keyof FacilityRecord, keyof FacilityTable>

export const METRIC_COLUMNS = {
  grossFloorArea: 'gross_floor_area',
  rackCount: 'rack_count',
  totalServers: 'total_servers',
  mainframes: 'mainframes',
  hpcNodes: 'hpc_nodes',
  virtualHosts: 'virtual_hosts',
  underutilisedServers: 'underutilised_servers',
  electricityMetered: 'electricity_metered',
  avgElectricity: 'avg_electricity',
  avgItElectricity: 'avg_it_electricity',
  plannedHours: 'planned_hours',
  downtimeHours: 'downtime_hours',
} as const satisfies Record<(typeof METRIC_FIELDS)[number], keyof FacilityMetricsTable>

export function facilityFromRow(row: FacilityTable): FacilityRecord {
  return {
    id: row.id,
    agency: row.agency,
    component: row.component,
    name: row.name,
    country: row.country as Country | null,
    ownership: row.ownership as OwnershipType | null,
    sharedPosition: row.shared_position as SharedPosition | null,
    tier: row.tier as Tier | null,
    keyMission: yesNo(row.key_mission),
    keyMissionType: row.key_mission_type as KeyMissionType | null,
    closingStage: row.closing_stage as ClosingStage | null,
    closingYear: nullableNumber(row.closing_fy),
    closingQuarter: nullableNumber(row.closing_quarter),
    comments: row.comments,
  }
}

function facilityToRow(facility: FacilityRecord, now: string): FacilityTable {
  return {
    id: facility.id,
    agency: facility.agency,
    component: facility.component,
    name: facility.name,
    country: facility.country,
    ownership: facility.ownership,
    shared_position: facility.sharedPosition,
    tier: facility.tier,
    key_mission: fromBoolean(facility.keyMission),
    key_mission_type: facility.keyMissionType,
    closing_stage: facility.closingStage,
    closing_fy: facility.closingYear,
    closing_quarter: facility.closingQuarter,
    comments: facility.comments,
    created_at: now,
    updated_at: now,
  }
}

export function metricsFromRow(row: FacilityMetricsTable): FacilityMetrics {
  return {
    facilityId: row.facility_id,
    period: row.period,
    grossFloorArea: row.gross_floor_area,
    rackCount: nullableNumber(row.rack_count),
    totalServers: nullableNumber(row.total_servers),
    mainframes: nullableNumber(row.mainframes),
    hpcNodes: nullableNumber(row.hpc_nodes),
    virtualHosts: nullableNumber(row.virtual_hosts),
    underutilisedServers: nullableNumber(row.underutilised_servers),
    electricityMetered: yesNo(row.electricity_metered),
    avgElectricity: row.avg_electricity,
    avgItElectricity: row.avg_it_electricity,
    plannedHours: row.planned_hours,
    downtimeHours: row.downtime_hours,
  }
}

function metricsToRow(metrics: FacilityMetrics, changeSetId: number | null): FacilityMetricsTable {
  return {
    facility_id: metrics.facilityId,
    period: metrics.period,
    gross_floor_area: metrics.grossFloorArea,
    rack_count: metrics.rackCount,
    total_servers: metrics.totalServers,
    mainframes: metrics.mainframes,
    hpc_nodes: metrics.hpcNodes,
    virtual_hosts: metrics.virtualHosts,
    underutilised_servers: metrics.underutilisedServers,
    electricity_metered: fromBoolean(metrics.electricityMetered),
    avg_electricity: metrics.avgElectricity,
    avg_it_electricity: metrics.avgItElectricity,
    planned_hours: metrics.plannedHours,
    downtime_hours: metrics.downtimeHours,
    change_set_id: changeSetId,
  }
}

const byId = <T extends {id: string}>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

export interface FacilityFilter {
  agency?: string[]
  ids?: string[]
}

/** Facilities ordered by id (by code unit, the same on both backends). */
export async function listFacilities(db: Kysely<Database>, filter: FacilityFilter = {}): Promise<FacilityRecord[]> {
  let query = db.selectFrom('facility').selectAll()
  if (filter.agency?.length) query = query.where('agency', 'in', filter.agency)
  if (filter.ids?.length) query = query.where('id', 'in', filter.ids)
  return (await query.execute()).map(facilityFromRow).sort(byId)
}

export async function getFacility(db: Kysely<Database>, id: string): Promise<FacilityRecord | undefined> {
  const row = await db.selectFrom('facility').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? facilityFromRow(row) : undefined
}

/** Metrics ordered by facility id, then period. */
export async function listMetrics(db: Kysely<Database>, filter: {facilityIds?: string[]; period?: string} = {}): Promise<FacilityMetrics[]> {
  let query = db.selectFrom('facility_metrics').selectAll()
  if (filter.facilityIds?.length) query = query.where('facility_id', 'in', filter.facilityIds)
  if (filter.period) query = query.where('period', '=', filter.period)
  return (await query.execute())
    .map(metricsFromRow)
    .sort((a, b) => (a.facilityId < b.facilityId ? -1 : a.facilityId > b.facilityId ? 1 : a.period < b.period ? -1 : a.period > b.period ? 1 : 0))
}

export async function insertFacilities(db: Kysely<Database>, facilities: readonly FacilityRecord[], now: string): Promise<void> {
  const chunk = 200
  for (let start = 0; start < facilities.length; start += chunk) {
    await db
      .insertInto('facility')
      .values(facilities.slice(start, start + chunk).map((facility) => facilityToRow(facility, now)))
      .execute()
  }
}

/** Writes the given fields of a facility (and its update time), leaving every other column as it is. */
export async function updateFacilityFields(
  db: Kysely<Database>,
  facility: FacilityRecord,
  fields: ReadonlyArray<keyof FacilityRecord>,
  now: string,
): Promise<void> {
  if (fields.length === 0) return
  const row = facilityToRow(facility, now) as unknown as Record<string, unknown>
  const set: Record<string, unknown> = {updated_at: now}
  for (const field of fields) {
    if (field === 'id') throw new Error('a facility id cannot be changed')
    set[FACILITY_COLUMNS[field]] = row[FACILITY_COLUMNS[field]]
  }
  await db.updateTable('facility').set(set).where('id', '=', facility.id).execute()
}

export async function insertMetrics(db: Kysely<Database>, metrics: readonly FacilityMetrics[], changeSetId: number): Promise<void> {
  const chunk = 200
  for (let start = 0; start < metrics.length; start += chunk) {
    await db
      .insertInto('facility_metrics')
      .values(metrics.slice(start, start + chunk).map((entry) => metricsToRow(entry, changeSetId)))
      .execute()
  }
}

export async function replaceMetrics(db: Kysely<Database>, metrics: FacilityMetrics, changeSetId: number): Promise<void> {
  const row = metricsToRow(metrics, changeSetId)
  const {facility_id: _id, period: _period, ...set} = row
  await db.updateTable('facility_metrics').set(set).where('facility_id', '=', metrics.facilityId).where('period', '=', metrics.period).execute()
}

/** Which fields differ between two versions of a facility. */
export function changedFacilityFields(before: FacilityRecord, after: FacilityRecord): Array<keyof FacilityRecord> {
  return FACILITY_FIELDS.filter((field) => facilityValueText(before[field]) !== facilityValueText(after[field]))
}

/** Which figures differ between two versions of one period's metrics. */
export function changedMetricFields(before: FacilityMetrics, after: FacilityMetrics): Array<(typeof METRIC_FIELDS)[number]> {
  return METRIC_FIELDS.filter((field) => facilityValueText(before[field]) !== facilityValueText(after[field]))
}
