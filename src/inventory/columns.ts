import type {CostLine, Ministry, SystemRecord} from '../domain/inventory.js'
import type {CsvColumn} from '../format/csv.js'

/** Export columns: the English headers that import reads back to the same values. */
export const SYSTEM_EXPORT_COLUMNS: ReadonlyArray<CsvColumn<SystemRecord>> = [
  {header: 'id', value: (s) => s.id, text: true},
  {header: 'ministry', value: (s) => s.ministry, text: true},
  {header: 'name', value: (s) => s.name, text: true},
  {header: 'category', value: (s) => s.category},
  {header: 'business_area', value: (s) => s.businessArea, text: true},
  {header: 'status', value: (s) => s.status},
  {header: 'physical_servers', value: (s) => s.physicalServers},
  {header: 'virtual_hosts', value: (s) => s.virtualHosts},
  {header: 'os_instances', value: (s) => s.osInstances},
  {header: 'utilisation_pct', value: (s) => s.utilisation},
  {header: 'storage_tb', value: (s) => s.storageTb},
  {header: 'users', value: (s) => s.users},
  {header: 'annual_hours', value: (s) => s.annualHours},
  {header: 'first_fy', value: (s) => s.firstYear},
  {header: 'last_fy', value: (s) => s.lastYear},
  {header: 'eligibility', value: (s) => s.eligibility},
  {header: 'eligibility_reason', value: (s) => s.eligibilityReason, text: true},
  {header: 'tags', value: (s) => s.tags.join(';'), text: true},
  {header: 'retired_reason', value: (s) => s.retiredReason, text: true},
  {header: 'facility_id', value: (s) => s.facilityId, text: true},
]

export const COST_EXPORT_COLUMNS: ReadonlyArray<CsvColumn<CostLine>> = [
  {header: 'system_id', value: (c) => c.systemId, text: true},
  {header: 'fiscal_year', value: (c) => c.fiscalYear},
  {header: 'pool', value: (c) => c.pool},
  {header: 'spend_type', value: (c) => c.spendType},
  {header: 'frequency', value: (c) => c.frequency},
  {header: 'amount', value: (c) => c.amount},
  {header: 'currency', value: (c) => c.currency},
  {header: 'note', value: (c) => c.note, text: true},
]

export const MINISTRY_EXPORT_COLUMNS: ReadonlyArray<CsvColumn<Ministry>> = [
  {header: 'code', value: (m) => m.code},
  {header: 'name_zh', value: (m) => m.nameZh, text: true},
  {header: 'name_ja', value: (m) => m.nameJa, text: true},
  {header: 'name_en', value: (m) => m.nameEn, text: true},
  {header: 'aliases', value: (m) => (m.aliases ?? []).join(';'), text: true},
  {header: 'display_order', value: (m) => m.displayOrder},
]
