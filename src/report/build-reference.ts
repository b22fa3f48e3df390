import {Dec} from '../domain/money.js'
import {
  byArea,
  byImplementingMinistry,
  byLeadMinistry,
  computeTotals,
  rowJson,
  totalsJson,
  type AreaLine,
  type MinistryGroup,
  type ReferenceRow,
  type ReferenceTable,
  type Totals,
} from '../reference/jp2009.js'
import {labelsFor, type Labels} from '../domain/labels/index.js'
import {publishedAreaName, referenceNotes, titleOf} from '../reference/tables.js'
import {translator, type LabelKey} from './i18n.js'
import {defineColumns} from './columns.js'
import type {Cell, ChartSpec, ReportColumn, ReportDocument, ReportTable, Section} from './model.js'
import type {Lang} from '../domain/lang.js'

/**
 * The report of a published reference table (`kasumi report --reference
 * jp-2009`): the table in its own layout with its totals, cost reduction by
 * lead ministry, hours by area, the joint-use summary, the load checks and
 * the metadata. Every figure comes from src/reference (computeTotals,
 * byLeadMinistry, byArea, the checks run on load); nothing is recomputed here.
 */

const JOINT_USE_MARK = '＊'

/** A heading of src/reference/tables.ts, on one line. */
function heading(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}

/** 'by lead ministry' → 'By lead ministry' (CJK text is unchanged). */
function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function zeroAsNull(value: string): string | null {
  return new Dec(value).isZero() ? null : value
}

/** What every section of a reference report needs. */
interface Context {
  table: ReferenceTable
  lang: Lang
  t: (key: LabelKey) => string
  text: (key: keyof Labels['referenceReport']) => string
  labels: Labels['reference']
  totals: Totals
  /** Thousands of yen, in the report's language. */
  unit: string
  leads: MinistryGroup[]
  implementing: MinistryGroup[]
  areas: AreaLine[]
}

/** The report of a reference table: the table as published, by lead ministry, by area, joint use, the checks, the metadata. */
export function buildReferenceReport(table: ReferenceTable, lang: Lang): ReportDocument {
  const t = translator(lang)
  const {meta, rows} = table
  const c: Context = {
    table,
    lang,
    t,
    text: (key) => labelsFor(lang).referenceReport[key],
    labels: labelsFor(lang).reference,
    totals: computeTotals(rows),
    unit: t('thousandYen'),
    leads: byLeadMinistry(table),
    implementing: byImplementingMinistry(table),
    areas: byArea(table),
  }
  const {leads, implementing, areas} = c
  const sections: Section[] = [publishedSection(c), leadMinistrySection(c), areaSection(c), jointUseSection(c), checksSection(c), metadataSection(c)]
  return {
    name: `reference-${meta.id}`,
    title: titleOf(table, lang),
    subtitle: `${meta.source.original} · ${meta.published}${meta.estimate ? ` · ${meta.estimateLabel ?? '試算'}` : ''}`,
    lang,
    currency: 'JPY',
    data: {
      id: meta.id,
      meta,
      rows: rows.map(rowJson),
      totals: totalsJson(rows),
      jointUseSummary: meta.jointUseSummary,
      checks: table.checks,
      byLeadMinistry: leads.map((group) => ({leadMinistry: group.ministries[0], areaRows: group.areaRows, totals: group.totals})),
      byImplementingMinistry: implementing.map((group) => ({
        implementingMinistries: group.ministries,
        areaRows: group.areaRows,
        totals: group.totals,
      })),
      byArea: areas,
    },
    sections,
  }
}

/** The table in its published layout: the lead ministry at the start of its group, ＊ rows under their area. */
function publishedSection(c: Context): Section {
  const {table, lang, text, labels, totals} = c
  const {rows} = table
  const layoutColumns = defineColumns(
    ['seq', '#', 'count'],
    ['leadMinistry', labels.lead, 'text'],
    ['area', labels.area, 'text'],
    ['costReduction', heading(labels.cost), 'thousands'],
    ['costYear', labels.year, 'year'],
    ['hoursReduction', heading(labels.hours), 'hours'],
    ['hoursYear', labels.year, 'year'],
  )
  let lead: string | undefined
  const layoutRows = rows.map((row: ReferenceRow): Record<string, Cell> => {
    const leadCell = row.leadMinistry === lead ? '' : row.leadMinistry
    lead = row.leadMinistry
    const area =
      row.kind === 'area'
        ? publishedAreaName(row)
        : row.kind === 'joint-use'
          ? row.area.startsWith(JOINT_USE_MARK)
            ? row.area
            : `${JOINT_USE_MARK}${row.area}`
          : [row.area, row.note].filter(Boolean).join('：')
    return {
      seq: row.seq,
      leadMinistry: leadCell,
      area,
      costReduction: row.costReductionThousandYen,
      costYear: row.costYear,
      hoursReduction: row.hoursReduction,
      hoursYear: row.hoursYear,
    }
  })
  const published: ReportTable = {
    id: 'reference-table',
    title: titleOf(table, lang),
    columns: layoutColumns,
    rows: layoutRows,
    totals: [
      {
        seq: '',
        leadMinistry: '',
        area: labels.totalArea,
        costReduction: totals.costReductionThousandYen,
        costYear: '',
        hoursReduction: totals.hoursReduction,
        hoursYear: '',
      },
      {
        seq: '',
        leadMinistry: '',
        area: labels.totalJointUse,
        costReduction: totals.jointUseThousandYen,
        costYear: '',
        hoursReduction: '',
        hoursYear: '',
      },
    ],
    note: referenceNotes(table, lang).join(' '),
  }
  return {id: 'reference-table', title: text('table'), tables: [published]}
}

/** By lead ministry: subtotals, and the cost reduction as a sorted bar chart. */
function leadMinistrySection(c: Context): Section {
  const {table, t, labels, totals, unit, leads, implementing} = c
  const {rows} = table
  const groupColumns = (first: string): ReportColumn[] =>
    defineColumns(
      ['ministry', first, 'text'],
      ['areas', labels.areaCount, 'count'],
      ['costReduction', heading(labels.cost), 'thousands'],
      ['jointUse', heading(labels.jointUse), 'thousands'],
      ['hoursReduction', heading(labels.hours), 'hours'],
    )
  const areaCount = rows.filter((row) => row.kind === 'area').length
  const groupTotals = [
    {
      ministry: labels.totalArea,
      areas: areaCount,
      costReduction: totals.costReductionThousandYen,
      jointUse: totals.jointUseThousandYen,
      hoursReduction: totals.hoursReduction,
    },
  ]
  const leadTable: ReportTable = {
    id: 'by-lead-ministry',
    title: capitalised(labels.byLead),
    columns: groupColumns(labels.lead),
    rows: leads.map((group) => ({
      ministry: group.ministries.join(''),
      areas: group.areaRows.length,
      costReduction: group.totals.costReductionThousandYen,
      jointUse: zeroAsNull(group.totals.jointUseThousandYen),
      hoursReduction: group.totals.hoursReduction,
    })),
    totals: groupTotals,
  }
  const implementingTable: ReportTable = {
    id: 'by-implementing-ministry',
    title: capitalised(labels.byImplementing),
    columns: groupColumns(labels.implementing),
    rows: implementing.map((group) => ({
      ministry: group.ministries.length === 0 ? labels.none : group.ministries.map((name) => `（${name}）`).join(''),
      areas: group.areaRows.length,
      costReduction: group.totals.costReductionThousandYen,
      jointUse: zeroAsNull(group.totals.jointUseThousandYen),
      hoursReduction: group.totals.hoursReduction,
    })),
    totals: groupTotals,
  }
  const leadsByCost = [...leads].sort((a, b) => new Dec(b.totals.costReductionThousandYen).comparedTo(a.totals.costReductionThousandYen))
  const leadChart: ChartSpec = {
    id: 'reference-by-lead-ministry',
    kind: 'bar',
    title: t('chartReferenceByMinistry'),
    labels: leadsByCost.map((group) => group.ministries.join('')),
    series: [{label: t('costReduction'), values: leadsByCost.map((group) => new Dec(group.totals.costReductionThousandYen).toNumber())}],
    xTitle: labels.lead,
    yTitle: unit,
  }
  return {id: 'by-lead-ministry', title: capitalised(labels.byLead), tables: [leadTable, implementingTable], charts: [leadChart]}
}

/** By area: one line per area row with its joint-use effect, and the hours as a horizontal bar chart. */
function areaSection(c: Context): Section {
  const {t, labels, totals, areas} = c
  const areaRows = areas.map((line) => ({
    seq: line.seq,
    leadMinistry: line.leadMinistry,
    implementing: line.implementingMinistries.join('；'),
    area: line.area,
    costReduction: line.costReductionThousandYen,
    costYear: line.costYear,
    jointUse: line.jointUseThousandYen,
    hoursReduction: line.hoursReduction,
    hoursYear: line.hoursYear,
  }))
  const areaTable: ReportTable = {
    id: 'by-area',
    title: capitalised(labels.byArea),
    columns: defineColumns(
      ['seq', '#', 'count'],
      ['leadMinistry', labels.lead, 'text'],
      ['implementing', labels.implementing, 'text'],
      ['area', labels.area, 'text'],
      ['costReduction', heading(labels.cost), 'thousands'],
      ['costYear', labels.year, 'year'],
      ['jointUse', heading(labels.jointUse), 'thousands'],
      ['hoursReduction', heading(labels.hours), 'hours'],
      ['hoursYear', labels.year, 'year'],
    ),
    rows: areaRows,
    totals: [
      {
        seq: '',
        leadMinistry: '',
        implementing: '',
        area: labels.totalArea,
        costReduction: totals.costReductionThousandYen,
        costYear: '',
        jointUse: totals.jointUseThousandYen,
        hoursReduction: totals.hoursReduction,
        hoursYear: '',
      },
    ],
  }
  const withHours = areas
    .filter((line) => line.hoursReduction !== null && new Dec(line.hoursReduction).greaterThan(0))
    .sort((a, b) => new Dec(b.hoursReduction!).comparedTo(a.hoursReduction!) || a.seq - b.seq)
  const hoursChart: ChartSpec = {
    id: 'reference-hours-by-area',
    kind: 'horizontal-bar',
    title: t('chartReferenceHoursByArea'),
    labels: withHours.map((line) => publishedAreaName(line)),
    series: [{label: t('hoursReduction'), values: withHours.map((line) => new Dec(line.hoursReduction!).toNumber())}],
    xTitle: t('hours'),
  }
  return {id: 'by-area', title: capitalised(labels.byArea), tables: [areaTable], charts: [hoursChart]}
}

/** Joint use: the summary (before, after, reduction) and the ＊ rows that make it up. */
function jointUseSection(c: Context): Section {
  const {table, t, text, labels, totals, unit} = c
  const {rows} = table
  const summary = table.meta.jointUseSummary
  const areaBySeq = new Map(rows.filter((row) => row.kind === 'area').map((row) => [row.seq, row]))
  const jointRows = rows.filter((row) => row.kind === 'joint-use')
  return {
    id: 'joint-use',
    title: t('jointUse'),
    paragraphs: [`${text('businesses')}: ${summary.businesses.join('、')}`],
    tables: [
      {
        id: 'joint-use-summary',
        title: t('jointUse'),
        columns: defineColumns(
          ['before', `${t('before')} (${unit})`, 'thousands'],
          ['after', `${t('after')} (${unit})`, 'thousands'],
          ['reduction', `${t('reduction')} (${unit})`, 'thousands'],
        ),
        rows: [{before: summary.before, after: summary.after, reduction: summary.reduction}],
      },
      {
        id: 'joint-use-rows',
        title: `${JOINT_USE_MARK}${heading(labels.jointUse)}`,
        columns: defineColumns(
          ['seq', '#', 'count'],
          ['leadMinistry', labels.lead, 'text'],
          ['area', text('belongsTo'), 'text'],
          ['costReduction', `${t('reduction')} (${unit})`, 'thousands'],
          ['costYear', labels.year, 'year'],
        ),
        rows: jointRows.map((row) => {
          const owner = row.belongsTo === null ? undefined : areaBySeq.get(row.belongsTo)
          return {
            seq: row.seq,
            leadMinistry: row.leadMinistry,
            area: owner ? publishedAreaName(owner) : null,
            costReduction: row.costReductionThousandYen,
            costYear: row.costYear,
          }
        }),
        totals: [{seq: '', leadMinistry: t('total'), area: '', costReduction: totals.jointUseThousandYen, costYear: ''}],
      },
    ],
  }
}

/** The checks run when the table was loaded. */
function checksSection(c: Context): Section {
  const {table, text} = c
  return {
    id: 'checks',
    title: text('checks'),
    tables: [
      {
        id: 'checks',
        title: text('checks'),
        columns: defineColumns(
          ['result', text('result'), 'text'],
          ['id', 'id', 'text'],
          ['description', text('check'), 'text'],
          ['expected', text('expected'), 'text'],
          ['actual', text('actual'), 'text'],
        ),
        rows: table.checks.map((check) => ({
          result: `${check.ok ? '✓' : '✗'} ${text(check.ok ? 'passed' : 'failed')}`,
          id: check.id,
          description: check.description,
          expected: check.expected,
          actual: check.actual,
        })),
      },
    ],
  }
}

/** What the table is: source, date, units, and that it is an estimate. */
function metadataSection(c: Context): Section {
  const {table, lang, text} = c
  const {meta, rows} = table
  const source = meta.source
  return {
    id: 'metadata',
    title: text('metadata'),
    figures: [
      {label: text('original'), value: source.original},
      {label: text('published'), value: meta.published},
      {
        label: text('citedIn'),
        value: [source.author, lang === 'en' ? (source.documentEn ?? source.document) : source.document, source.affiliation, source.location]
          .filter(Boolean)
          .join(', '),
      },
      {label: text('units'), value: `${meta.units.cost}; ${meta.units.hours}`},
      {label: text('estimate'), value: meta.estimate ? `${meta.estimateLabel ?? '試算'} — ${text('estimateYes')}` : text('estimateNo')},
      {label: text('rows'), value: String(rows.length)},
    ],
    paragraphs: referenceNotes(table, lang),
  }
}
