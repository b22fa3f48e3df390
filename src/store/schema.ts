import type {Generated} from 'kysely'

/** Row types of the store, as both dialects hold them. Amounts and decimals are canonical decimal strings. */
export interface MinistryTable {
  code: string
  name_zh: string
  name_ja: string | null
  name_en: string | null
  /** JSON array of strings. */
  aliases: string
  display_order: number
}

export interface SystemTable {
  id: string
  ministry_code: string
  name: string
  category: string
  business_area: string | null
  status: string
  physical_servers: number | null
  virtual_hosts: number | null
  os_instances: number | null
  utilisation_pct: string | null
  storage_tb: string | null
  users: number | null
  annual_hours: string | null
  first_fy: number | null
  last_fy: number | null
  eligibility: string
  eligibility_reason: string | null
  /** JSON array of strings. */
  tags: string
  retired_reason: string | null
  /** The facility the system runs in (added by 2026-11-29-002-facilities). */
  facility_id?: string | null
  created_at: string
  updated_at: string
}

export interface CostLineTable {
  id: Generated<number>
  system_id: string
  fiscal_year: number
  pool: string
  spend_type: string
  frequency: string
  amount: string
  currency: string
  note: string | null
  change_set_id: number | null
}

export interface ChangeSetTable {
  id: Generated<number>
  at: string
  actor: string
  command: string
  kind: string
  file_name: string | null
  file_sha256: string | null
  rows: number
  summary: string
}

export interface ChangeTable {
  id: Generated<number>
  change_set_id: number
  entity: string
  entity_id: string
  action: string
  field: string | null
  before: string | null
  after: string | null
}

export interface FacilityTable {
  id: string
  agency: string
  component: string | null
  name: string | null
  country: string | null
  ownership: string | null
  shared_position: string | null
  tier: string | null
  /** 'yes' or 'no'. */
  key_mission: string | null
  key_mission_type: string | null
  closing_stage: string | null
  closing_fy: number | null
  closing_quarter: number | null
  comments: string | null
  created_at: string
  updated_at: string
}

export interface FacilityMetricsTable {
  facility_id: string
  period: string
  gross_floor_area: string | null
  rack_count: number | null
  total_servers: number | null
  mainframes: number | null
  hpc_nodes: number | null
  virtual_hosts: number | null
  underutilised_servers: number | null
  /** 'yes' or 'no'. */
  electricity_metered: string | null
  avg_electricity: string | null
  avg_it_electricity: string | null
  planned_hours: string | null
  downtime_hours: string | null
  change_set_id: number | null
}

export interface ProcedureTable {
  id: string
  name: string
  agency: string
  agency_level: string
  annual_cases: string
  channel: string
  visits_per_case: string
  travel_minutes: string
  waiting_minutes: string
  form_minutes: string
  staff_minutes: string
  fee: string
  currency: string
  /** JSON array of system ids. */
  systems: string
  created_at: string
  updated_at: string
}

export interface DocumentTable {
  id: string
  name: string
  issuer: string
  issuer_level: string
  citizen_minutes: string
  staff_minutes: string
  fee: string
  currency: string
  /** 0 or 1. */
  authentic_source: number
  created_at: string
  updated_at: string
}

export interface LifeEventTable {
  id: string
  name_ja: string
  name_zh: string | null
  name_en: string | null
  created_at: string
  updated_at: string
}

export interface LifeEventStepTable {
  life_event_id: string
  position: number
  procedure_id: string
  /** JSON array of document ids. */
  documents: string
}

export interface Database {
  ministry: MinistryTable
  system: SystemTable
  cost_line: CostLineTable
  change_set: ChangeSetTable
  change: ChangeTable
  facility: FacilityTable
  facility_metrics: FacilityMetricsTable
  procedure: ProcedureTable
  document: DocumentTable
  life_event: LifeEventTable
  life_event_step: LifeEventStepTable
}
