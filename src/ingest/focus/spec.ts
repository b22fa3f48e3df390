/**
 * The parts of the FinOps Open Cost and Usage Specification (FOCUS) 1.0 and
 * 1.1 that kasumi checks and reads. Column IDs, allowed values and null rules
 * are carried over from the published specification
 * (github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, specification/columns/*.md
 * and specification/attributes/*.md); each constant names its source file.
 */

/**
 * Columns whose feature level is Mandatory in FOCUS 1.0 and 1.1: every FOCUS
 * dataset has them (columns/*.md, "Feature level: Mandatory").
 */
export const MANDATORY_COLUMNS = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ServiceCategory',
  'ServiceName',
] as const

/** columns/chargecategory.md: allowed values; MUST NOT be null. */
export const CHARGE_CATEGORIES = ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'] as const
export type ChargeCategory = (typeof CHARGE_CATEGORIES)[number]

/** columns/chargeclass.md: null, or "Correction" for a correction to a previously invoiced billing period. */
export const CHARGE_CLASSES = ['Correction'] as const

/** columns/chargefrequency.md: allowed values; when ChargeCategory is "Purchase", MUST NOT be "Usage-Based". */
export const CHARGE_FREQUENCIES = ['One-Time', 'Recurring', 'Usage-Based'] as const

/** columns/servicecategory.md: allowed values; MUST NOT be null. */
export const SERVICE_CATEGORIES = [
  'AI and Machine Learning',
  'Analytics',
  'Business Applications',
  'Compute',
  'Databases',
  'Developer Tools',
  'Multicloud',
  'Identity',
  'Integration',
  'Internet of Things',
  'Management and Governance',
  'Media',
  'Migration',
  'Mobile',
  'Networking',
  'Security',
  'Storage',
  'Web',
  'Other',
] as const
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number]

/** Cost columns of type Decimal that MUST NOT be null (columns/billedcost.md, effectivecost.md, listcost.md, contractedcost.md). */
export const COST_COLUMNS = ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'] as const

/** Numeric columns that may be null; their values are checked when given (attributes/numeric_format.md). */
export const NULLABLE_NUMERIC_COLUMNS = ['PricingQuantity', 'ConsumedQuantity', 'ListUnitPrice', 'ContractedUnitPrice'] as const

/** Date/time columns (attributes/datetime_format.md); each period's end is exclusive (columns/chargeperiodend.md, billingperiodend.md). */
export const DATETIME_COLUMNS = ['BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd'] as const

/**
 * String columns kasumi reads that MUST NOT be null in 1.0 and 1.1
 * (billingaccountid.md, billingcurrency.md, chargecategory.md,
 * servicecategory.md, provider.md, servicename.md, publisher.md, invoiceissuer.md).
 */
export const REQUIRED_STRINGS = [
  'BillingAccountId',
  'BillingCurrency',
  'ChargeCategory',
  'ServiceCategory',
  'ProviderName',
  'ServiceName',
  'PublisherName',
  'InvoiceIssuerName',
] as const

/**
 * Columns whose nullability follows the charge (pricingquantity.md, pricingunit.md,
 * listunitprice.md, contractedunitprice.md, 1.0 and 1.1 alike): MUST NOT be null
 * when ChargeCategory is "Usage" or "Purchase" and ChargeClass is not
 * "Correction", MUST be null when ChargeCategory is "Tax", MAY be null otherwise.
 * PricingQuantity and PricingUnit are mandatory; the unit prices are checked when present.
 */
export const PRICED_COLUMNS = ['PricingQuantity', 'PricingUnit', 'ListUnitPrice', 'ContractedUnitPrice'] as const

/** Columns kasumi reads when the file has them. */
export const OPTIONAL_COLUMNS = ['ChargeFrequency', 'SubAccountId', 'ResourceId', 'Tags', 'CommitmentDiscountStatus'] as const

/** The FOCUS versions kasumi checks against. */
export type FocusVersion = '1.0' | '1.1'

/**
 * Columns introduced in FOCUS 1.1 ("Introduced (version): 1.1" in their
 * columns/*.md). A file with any of them is checked as 1.1; a file with none as 1.0,
 * whose rules the two versions share except where noted.
 */
export const FOCUS_1_1_COLUMNS = [
  'BillingAccountType',
  'SubAccountType',
  'CapacityReservationId',
  'CapacityReservationStatus',
  'CommitmentDiscountQuantity',
  'CommitmentDiscountUnit',
  'ServiceSubcategory',
  'SkuMeter',
  'SkuPriceDetails',
] as const

/** The version a header is checked as. */
export function focusVersion(header: readonly string[]): FocusVersion {
  const names = new Set(header.map((cell) => cell.trim().replace(/^\uFEFF/, '')))
  return FOCUS_1_1_COLUMNS.some((name) => names.has(name)) ? '1.1' : '1.0'
}

/** Custom columns carry this prefix (attributes/column_naming_and_ordering.md) and are ignored. */
export const CUSTOM_PREFIX = 'x_'

/** Every column kasumi reads from a FOCUS file, in the order its readers hand values over. */
export const READ_COLUMNS = [
  ...COST_COLUMNS,
  ...NULLABLE_NUMERIC_COLUMNS,
  ...DATETIME_COLUMNS,
  ...REQUIRED_STRINGS,
  'ChargeClass',
  'PricingUnit',
  ...OPTIONAL_COLUMNS,
] as const
export type ReadColumn = (typeof READ_COLUMNS)[number]
export const COLUMN_INDEX: Readonly<Record<ReadColumn, number>> = Object.fromEntries(READ_COLUMNS.map((name, index) => [name, index])) as Record<
  ReadColumn,
  number
>

/** A header is FOCUS when it has the column IDs no other input kind has. */
export function looksLikeFocus(header: readonly string[]): boolean {
  const names = new Set(header.map((cell) => cell.trim().replace(/^\uFEFF/, '')))
  return ['BilledCost', 'EffectiveCost', 'ChargePeriodStart', 'ChargeCategory'].every((name) => names.has(name))
}

/**
 * Placeholders for an absent value that attributes/null_handling.md forbids
 * ("MUST NOT contain empty strings or placeholder strings (e.g., "Not Applicable")").
 */
export const PLACEHOLDER = /^(?:n\/?a|not applicable|none|null|nil|-|—|unknown)$/i

/**
 * The default cost pool of each ServiceCategory. Cloud spend is one pool, as
 * in the TBM taxonomy's Cloud Services cost pool; a pool map file may send a
 * category elsewhere (Networking to telecom, Business Applications to software).
 */
export const DEFAULT_POOL_OF_SERVICE: Readonly<Record<ServiceCategory, string>> = Object.fromEntries(
  SERVICE_CATEGORIES.map((category) => [category, 'cloud']),
) as Record<ServiceCategory, string>
