import {InvalidInputError, UsageError, type InputIssue} from '../domain/errors.js'
import type {Ministry} from '../domain/inventory.js'
import {MinistryIndex} from '../domain/ministry-index.js'
import {Dec, canonical} from '../domain/money.js'
import type {EstimateResult} from '../estimate/results.js'
import {areaKey, closest} from '../domain/text-match.js'
import type {AreaMapEntry} from '../reference/area-map.js'
import type {ReferenceRow, ReferenceTable} from '../reference/jp2009.js'

/**
 * The estimate against a published reference table (jp-2009): cost
 * reduction (thousand yen) and processing-time reduction (hours per year)
 * side by side, by business area and by ministry.
 *
 * Areas are matched through an area map (data/reference/area-map.csv:
 * reference_area, area, note). A reference row may map to several kasumi
 * areas and several rows to one area; the comparison unit is each connected
 * set of reference rows and kasumi areas, so nothing is split or counted
 * twice. Ministries are matched through the register's ministries (codes and
 * names in Traditional Chinese, Japanese, English and aliases).
 */

/** Decimals of the estimate ÷ reference ratios (half-up). */
export const RATIO_DECIMALS = 4

/* ---------- the comparison ---------- */

export interface Figures {
  /** Cost reduction of area rows, thousand yen. */
  cost: string | null
  /** Cost reduction of joint-use rows, thousand yen. */
  jointUse: string | null
  /** Processing-time reduction, hours per year. */
  hours: string | null
}

export type MatchStatus = 'matched' | 'reference-only' | 'estimate-only'

export interface AreaComparison {
  referenceAreas: Array<{seq: number; area: string; leadMinistry: string}>
  /** kasumi business areas of the group. */
  areas: string[]
  /** Mapped areas no system of the register has. */
  notInRegister: string[]
  estimate: Figures
  reference: Figures
  /** estimate ÷ reference, cost of area rows; null when the reference is empty or 0. */
  costRatio: string | null
  hoursRatio: string | null
  /** matched; reference-only: the estimate leaves it out; estimate-only: the estimate adds it. */
  status: MatchStatus
}

export interface MinistryComparison {
  /** Ministry codes (several for a row the table gives to ministries jointly); unmatched names start with "?". */
  codes: string[]
  /** Names as the table writes them (for unmatched ones) or the register's Japanese names. */
  label: string
  estimate: Figures
  reference: Figures
  costRatio: string | null
  hoursRatio: string | null
  status: MatchStatus
}

export interface ReferenceComparison {
  reference: {id: string; title: string; published: string; units: {cost: string; hours: string}}
  areaMap: string
  byArea: AreaComparison[]
  byMinistry: MinistryComparison[]
  /** Reference area rows with no line in the area map. */
  unmappedReferenceAreas: Array<{seq: number; area: string}>
  /** Estimate areas with no line in the area map (the estimate adds them). */
  unmappedAreas: string[]
  /** Reference areas the estimate has no effect for (mapped, but nothing estimated). */
  leftOut: string[]
  /** Ministry names of the table that are not ministries of the register. */
  unmatchedMinistries: Array<{name: string; rows: number[]; suggestion?: string}>
  totals: {estimate: Figures; reference: Figures; costRatio: string | null; hoursRatio: string | null}
  notes: string[]
}

export interface ReferenceComparisonInput {
  effects: EstimateResult['effects']
  currency: string
  table: ReferenceTable
  map: readonly AreaMapEntry[]
  mapFile: string
  ministries: readonly Ministry[]
  /** Business areas of the register's systems. */
  registerAreas: ReadonlySet<string>
}

class Sums {
  cost: Dec | null = null
  jointUse: Dec | null = null
  hours: Dec | null = null

  add(field: 'cost' | 'jointUse' | 'hours', value: string | null): void {
    if (value === null) return
    this[field] = (this[field] ?? new Dec(0)).plus(value)
  }

  get empty(): boolean {
    return this.cost === null && this.jointUse === null && this.hours === null
  }

  figures(): Figures {
    const show = (value: Dec | null) => (value === null ? null : canonical(value))
    return {cost: show(this.cost), jointUse: show(this.jointUse), hours: show(this.hours)}
  }
}

function ratio(estimate: Dec | null, reference: Dec | null): string | null {
  if (reference === null || reference.isZero()) return null
  return (estimate ?? new Dec(0)).dividedBy(reference).toDecimalPlaces(RATIO_DECIMALS, Dec.ROUND_HALF_UP).toFixed(RATIO_DECIMALS)
}

class UnionFind {
  private readonly parent = new Map<string, string>()

  find(node: string): string {
    let root = this.parent.get(node) ?? node
    if (root === node) {
      this.parent.set(node, node)
      return node
    }
    root = this.find(root)
    this.parent.set(node, root)
    return root
  }

  union(a: string, b: string): void {
    const rootA = this.find(a)
    const rootB = this.find(b)
    if (rootA !== rootB) this.parent.set(rootB, rootA)
  }
}

/** The estimate's optimization effects beside a reference table: by area, by ministry and in total. */
export function compareWithReference(input: ReferenceComparisonInput): ReferenceComparison {
  const {table} = input
  if (input.currency !== 'JPY') {
    throw new UsageError(`the ${table.meta.id} reference counts thousand yen; this estimate counts ${input.currency}`, {
      suggestion: 'compare an estimate whose scenario has currency: JPY',
    })
  }
  const areaRows = table.rows.filter((row) => row.kind === 'area')
  checkAreaMap(input, areaRows)
  const linked = linkAreas(input, areaRows)
  const byArea = compareByArea(input, linked)
  const {byMinistry, unmatched} = compareByMinistry(input, areaRows, linked)
  const unmappedReferenceAreas = areaRows.filter((row) => !linked.mappedRows.has(row.seq)).map((row) => ({seq: row.seq, area: row.area}))
  const unmappedAreas = linked.estimateAreas.filter((area) => !linked.mappedAreas.has(area)).sort((a, b) => a.localeCompare(b, 'ja'))
  const leftOut = byArea.filter((entry) => entry.status === 'reference-only').flatMap((entry) => entry.referenceAreas.map((row) => row.area))
  return {
    reference: {
      id: table.meta.id,
      title: table.meta.title.ja,
      published: table.meta.published,
      units: {cost: table.meta.units.cost, hours: table.meta.units.hours},
    },
    areaMap: input.mapFile,
    byArea,
    byMinistry,
    unmappedReferenceAreas,
    unmappedAreas,
    leftOut,
    unmatchedMinistries: [...unmatched.values()],
    totals: compareTotals(linked),
    notes: [...COMPARISON_NOTES],
  }
}

const COMPARISON_NOTES: readonly string[] = [
  "Cost reduction in thousand yen at full run-rate (the estimate's optimization-effects view against the table's 削減經費（試算）); processing-time reduction in hours per year. Joint-use effects (＊共同利用化的效果) are kept apart from the area figures, as in the table.",
  "Ratios are estimate ÷ reference, rounded half-up to 4 decimals; n/a where the reference figure is empty or 0 (a negative reference figure is a cost increase, and so is its ratio's sign).",
  "By ministry, a reference row belongs to the ministries it names in parentheses (implementing ministries), else to its lead ministry (負責單位); a row naming several ministries is one joint row, and the estimate's effects of those ministries in the same areas are counted with it.",
]

/** Area rows of the table by their name (as areaKey folds it); a name may head several rows. */
function rowsByName(areaRows: readonly ReferenceRow[]): Map<string, ReferenceRow[]> {
  const byName = new Map<string, ReferenceRow[]>()
  for (const row of areaRows) {
    const key = areaKey(row.area)
    byName.set(key, [...(byName.get(key) ?? []), row])
  }
  return byName
}

/** The map must name rows the table has: every entry that does not is an issue (exit 3). */
function checkAreaMap(input: ReferenceComparisonInput, areaRows: readonly ReferenceRow[]): void {
  const {table} = input
  const byName = rowsByName(areaRows)
  const issues: InputIssue[] = []
  for (const entry of input.map) {
    if (!byName.has(areaKey(entry.referenceArea))) {
      const guess = closest(
        entry.referenceArea,
        areaRows.map((row) => row.area),
      )
      issues.push({
        file: input.mapFile,
        line: entry.line,
        column: '1 (reference_area)',
        value: entry.referenceArea,
        message: `no area row of ${table.meta.id} is named this`,
        hint: guess ? `did you mean ${guess}?` : `see kasumi reference show ${table.meta.id}`,
      })
    }
  }
  if (issues.length > 0) throw new InvalidInputError(`${input.mapFile}: ${issues.length} problem${issues.length === 1 ? '' : 's'} found`, issues)
}

/** A connected set of reference rows and kasumi areas: the unit of the comparison by area. */
interface Component {
  rows: ReferenceRow[]
  areas: Set<string>
  reference: Sums
  estimate: Sums
  hasEstimate: boolean
}

/** Reference rows and kasumi areas linked through the area map, as connected components with their sums. */
interface LinkedAreas {
  components: Map<string, Component>
  /** The component of a node: `r:<seq>` for a reference row, `a:<area>` for a kasumi area. */
  componentOf: (node: string) => Component
  mappedRows: Set<number>
  mappedAreas: Set<string>
  /** The business areas of the estimate's effects. */
  estimateAreas: string[]
}

/** Links reference rows and kasumi areas through the map and sums each component on both sides. */
function linkAreas(input: ReferenceComparisonInput, areaRows: readonly ReferenceRow[]): LinkedAreas {
  const {table, effects} = input
  const byName = rowsByName(areaRows)
  const links = new UnionFind()
  const mappedRows = new Set<number>()
  const mappedAreas = new Set<string>()
  for (const entry of input.map) {
    for (const row of byName.get(areaKey(entry.referenceArea))!) {
      links.union(`r:${row.seq}`, `a:${entry.area}`)
      mappedRows.add(row.seq)
    }
    mappedAreas.add(entry.area)
  }
  for (const row of areaRows) links.find(`r:${row.seq}`)
  const estimateAreas = [...new Set(effects.rows.map((row) => row.area))]
  for (const area of estimateAreas) links.find(`a:${area}`)

  const components = new Map<string, Component>()
  const componentOf = (node: string): Component => {
    const root = links.find(node)
    let component = components.get(root)
    if (!component) components.set(root, (component = {rows: [], areas: new Set(), reference: new Sums(), estimate: new Sums(), hasEstimate: false}))
    return component
  }
  for (const row of areaRows) {
    const component = componentOf(`r:${row.seq}`)
    component.rows.push(row)
    component.reference.add('cost', row.costReductionThousandYen)
    component.reference.add('hours', row.hoursReduction)
  }
  for (const row of table.rows) {
    if (row.kind !== 'joint-use' || row.belongsTo === null) continue
    componentOf(`r:${row.belongsTo}`).reference.add('jointUse', row.costReductionThousandYen)
  }
  for (const entry of input.map) componentOf(`a:${entry.area}`).areas.add(entry.area)
  for (const row of effects.rows) {
    const component = componentOf(`a:${row.area}`)
    component.areas.add(row.area)
    component.hasEstimate = true
    if (row.kind === 'joint-use') component.estimate.add('jointUse', row.costReductionThousandYen)
    else {
      component.estimate.add('cost', row.costReductionThousandYen)
      component.estimate.add('hours', row.hoursReduction)
    }
  }
  return {components, componentOf, mappedRows, mappedAreas, estimateAreas}
}

function status(hasReference: boolean, hasEstimate: boolean): MatchStatus {
  return hasReference && hasEstimate ? 'matched' : hasReference ? 'reference-only' : 'estimate-only'
}

/** One line per component, in the table's row order (estimate-only areas last, by name). */
function compareByArea(input: ReferenceComparisonInput, linked: LinkedAreas): AreaComparison[] {
  const {components} = linked
  const ordered = [...components.values()].sort((a, b) => {
    const seqA = a.rows[0]?.seq ?? Number.POSITIVE_INFINITY
    const seqB = b.rows[0]?.seq ?? Number.POSITIVE_INFINITY
    return seqA - seqB || [...a.areas][0].localeCompare([...b.areas][0], 'ja')
  })
  return ordered.map((component) => {
    const areas = [...component.areas].sort((a, b) => a.localeCompare(b, 'ja'))
    return {
      referenceAreas: component.rows.map((row) => ({seq: row.seq, area: row.area, leadMinistry: row.leadMinistry})),
      areas,
      notInRegister: areas.filter((area) => !input.registerAreas.has(area)),
      estimate: component.estimate.figures(),
      reference: component.reference.figures(),
      costRatio: ratio(component.estimate.cost, component.reference.cost),
      hoursRatio: ratio(component.estimate.hours, component.reference.hours),
      status: status(component.rows.length > 0, component.hasEstimate),
    }
  })
}

type UnmatchedMinistry = ReferenceComparison['unmatchedMinistries'][number]

/** The ministries a reference row or a group of the estimate belongs to, with the sums of both sides. */
interface MinistryGroup {
  codes: string[]
  reference: Sums
  estimate: Sums
  hasReference: boolean
  hasEstimate: boolean
}

/**
 * By ministry: a reference row belongs to the ministries it names as
 * implementing, else to its lead ministry; the estimate's effects of those
 * ministries in the same areas are counted with it.
 */
function compareByMinistry(
  input: ReferenceComparisonInput,
  areaRows: readonly ReferenceRow[],
  linked: LinkedAreas,
): {byMinistry: MinistryComparison[]; unmatched: Map<string, UnmatchedMinistry>} {
  const {table, effects} = input
  const {componentOf} = linked
  const bySeq = new Map(table.rows.map((row) => [row.seq, row]))
  const index = new MinistryIndex(input.ministries)
  const order = new Map(input.ministries.map((ministry, position) => [ministry.code, position]))
  const unmatched = new Map<string, UnmatchedMinistry>()
  const ownerOf = new Map<number, string[]>()
  for (const row of areaRows) {
    const names =
      row.implementingMinistries.length > 0
        ? row.implementingMinistries
        : row.leadMinistry
            .split(/[‧・;；、]/)
            .map((name) => name.trim())
            .filter(Boolean)
    const codes = names.map((name) => {
      const ministry = index.find(name)
      if (ministry) return ministry.code
      const entry = unmatched.get(name) ?? {name, rows: [], suggestion: index.suggest(name)}
      entry.rows.push(row.seq)
      unmatched.set(name, entry)
      return `?${name}`
    })
    ownerOf.set(
      row.seq,
      [...new Set(codes)].sort((a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER)),
    )
  }
  const groups = new Map<string, MinistryGroup>()
  const groupOf = (codes: string[]): MinistryGroup => {
    const key = codes.join('+')
    let group = groups.get(key)
    if (!group) groups.set(key, (group = {codes, reference: new Sums(), estimate: new Sums(), hasReference: false, hasEstimate: false}))
    return group
  }
  for (const row of table.rows) {
    const owner = row.kind === 'area' ? row : row.kind === 'joint-use' && row.belongsTo !== null ? bySeq.get(row.belongsTo) : undefined
    if (!owner) continue
    const group = groupOf(ownerOf.get(owner.seq)!)
    group.hasReference = true
    if (row.kind === 'joint-use') group.reference.add('jointUse', row.costReductionThousandYen)
    else {
      group.reference.add('cost', row.costReductionThousandYen)
      group.reference.add('hours', row.hoursReduction)
    }
  }
  for (const row of effects.rows) {
    const component = componentOf(`a:${row.area}`)
    // The owner of a reference row of the same area set that names this ministry, one naming it alone first.
    const owners = component.rows.map((reference) => ownerOf.get(reference.seq)!).filter((codes) => codes.includes(row.leadMinistry))
    const codes = owners.find((candidate) => candidate.length === 1) ?? owners[0] ?? [row.leadMinistry]
    const group = groupOf(codes)
    group.hasEstimate = true
    if (row.kind === 'joint-use') group.estimate.add('jointUse', row.costReductionThousandYen)
    else {
      group.estimate.add('cost', row.costReductionThousandYen)
      group.estimate.add('hours', row.hoursReduction)
    }
  }
  const nameOf = new Map(input.ministries.map((ministry) => [ministry.code, ministry.nameJa ?? ministry.nameZh]))
  const byMinistry: MinistryComparison[] = [...groups.values()]
    .sort((a, b) => {
      const first = (group: MinistryGroup) => Math.min(...group.codes.map((code) => order.get(code) ?? Number.MAX_SAFE_INTEGER))
      return first(a) - first(b) || a.codes.length - b.codes.length || a.codes.join().localeCompare(b.codes.join())
    })
    .map((group) => ({
      codes: group.codes,
      label: group.codes.map((code) => (code.startsWith('?') ? code.slice(1) : (nameOf.get(code) ?? code))).join('・'),
      estimate: group.estimate.figures(),
      reference: group.reference.figures(),
      costRatio: ratio(group.estimate.cost, group.reference.cost),
      hoursRatio: ratio(group.estimate.hours, group.reference.hours),
      status: status(group.hasReference, group.hasEstimate),
    }))

  return {byMinistry, unmatched}
}

/** The sums over every component, estimate and reference. */
function compareTotals(linked: LinkedAreas): ReferenceComparison['totals'] {
  const {components} = linked
  const estimateTotals = new Sums()
  const referenceTotals = new Sums()
  for (const component of components.values()) {
    estimateTotals.add('cost', component.estimate.cost === null ? null : component.estimate.cost.toFixed())
    estimateTotals.add('jointUse', component.estimate.jointUse === null ? null : component.estimate.jointUse.toFixed())
    estimateTotals.add('hours', component.estimate.hours === null ? null : component.estimate.hours.toFixed())
    referenceTotals.add('cost', component.reference.cost === null ? null : component.reference.cost.toFixed())
    referenceTotals.add('jointUse', component.reference.jointUse === null ? null : component.reference.jointUse.toFixed())
    referenceTotals.add('hours', component.reference.hours === null ? null : component.reference.hours.toFixed())
  }

  return {
    estimate: estimateTotals.figures(),
    reference: referenceTotals.figures(),
    costRatio: ratio(estimateTotals.cost, referenceTotals.cost),
    hoursRatio: ratio(estimateTotals.hours, referenceTotals.hours),
  }
}
