import type {Lang} from '../domain/lang.js'
import {labelsFor} from '../domain/labels/index.js'
import {Dec} from '../domain/money.js'
import type {LifeEventView, ServicesResult} from '../estimate/services-result.js'
import {defineColumns} from './columns.js'
import type {Section} from './model.js'

/**
 * The Services section of an estimate report: the seed's figure as a table of
 * the register — per life event, before and after the service measures —
 * with the Standard Cost Model's burden and charts of both.
 */

function eventName(event: LifeEventView, lang: Lang): string {
  return lang === 'en' ? (event.names.en ?? event.names.ja) : lang === 'zh-TW' ? (event.names['zh-TW'] ?? event.names.ja) : event.names.ja
}

const number = (value: string) => new Dec(value).toNumber()

export function buildServicesSection(services: ServicesResult, lang: Lang): Section {
  const l = labelsFor(lang).services
  const after = `${l.after} (FY${services.runRateYear})`
  const names = services.lifeEvents.map((event) => eventName(event, lang))
  const rows = services.lifeEvents.flatMap((event) => [
    {
      lifeEvent: `${event.id} ${eventName(event, lang)}`,
      when: l.before,
      procedures: event.before.procedures,
      agencies: event.before.agencies,
      visits: event.before.visitsPerCase,
      documents: event.before.documents,
      citizenHours: event.burdenBefore.citizenHours,
      staffHours: event.burdenBefore.staffHours,
      fees: event.burdenBefore.fees,
      citizenValue: event.burdenBefore.citizenValue,
    },
    {
      lifeEvent: `${event.id} ${eventName(event, lang)}`,
      when: after,
      procedures: event.after.procedures,
      agencies: event.after.agencies,
      visits: event.after.visitsPerCase,
      documents: event.after.documents,
      citizenHours: event.burdenAfter.citizenHours,
      staffHours: event.burdenAfter.staffHours,
      fees: event.burdenAfter.fees,
      citizenValue: event.burdenAfter.citizenValue,
    },
  ])
  const total = (label: string, burden: ServicesResult['before']) => ({
    lifeEvent: l.total,
    when: label,
    procedures: null,
    agencies: null,
    visits: null,
    documents: null,
    citizenHours: burden.citizenHours,
    staffHours: burden.staffHours,
    fees: burden.fees,
    citizenValue: burden.citizenValue,
  })
  const byYear = services.byYear.map((row) => ({
    year: row.year,
    citizenHoursSaved: row.saved.citizenHours,
    staffHoursSaved: row.saved.staffHours,
    citizenValueSaved: row.saved.citizenValue,
    staffCostSaved: row.saved.staffCost,
    postageSaved: row.saved.postage,
    feesSaved: row.saved.fees,
  }))
  return {
    id: 'services',
    title: l.title,
    paragraphs: [l.note],
    tables: [
      {
        id: 'services-life-events',
        title: l.title,
        columns: defineColumns(
          ['lifeEvent', l.lifeEvent, 'text'],
          ['when', l.when, 'text'],
          ['procedures', l.procedures, 'ratio'],
          ['agencies', l.agencies, 'ratio'],
          ['visits', l.visits, 'ratio'],
          ['documents', l.documents, 'ratio'],
          ['citizenHours', l.citizenHours, 'hours'],
          ['staffHours', l.staffHours, 'hours'],
          ['fees', l.fees, 'money'],
          ['citizenValue', l.citizenValue, 'money'],
        ),
        rows,
        totals: [total(l.before, services.before), total(after, services.after), total(l.saved, services.saved)],
      },
      {
        id: 'services-by-year',
        title: l.chartByYear,
        columns: defineColumns(
          ['year', l.year, 'year'],
          ['citizenHoursSaved', `${l.citizenHours} (${l.saved})`, 'hours'],
          ['staffHoursSaved', `${l.staffHours} (${l.saved})`, 'hours'],
          ['citizenValueSaved', `${l.citizenValue} (${l.saved})`, 'money'],
          ['staffCostSaved', `${l.staffCost} (${l.saved})`, 'money'],
          ['feesSaved', `${l.fees} (${l.saved})`, 'money'],
          ['postageSaved', `${l.postage} (${l.saved})`, 'money'],
        ),
        rows: byYear,
      },
    ],
    charts: [
      {
        id: 'services-counts',
        kind: 'grouped-bar',
        title: l.chartCounts,
        labels: services.lifeEvents.flatMap((event, index) => [
          `${names[index]}: ${l.procedures}`,
          `${names[index]}: ${l.agencies}`,
          `${names[index]}: ${l.documents}`,
        ]),
        series: [
          {
            label: l.before,
            values: services.lifeEvents.flatMap((e) => [number(e.before.procedures), number(e.before.agencies), number(e.before.documents)]),
          },
          {
            label: after,
            values: services.lifeEvents.flatMap((e) => [number(e.after.procedures), number(e.after.agencies), number(e.after.documents)]),
          },
        ],
        yTitle: l.countUnit,
      },
      {
        id: 'services-hours',
        kind: 'grouped-bar',
        title: l.chartHours,
        labels: services.lifeEvents.flatMap((event, index) => [`${names[index]}: ${l.citizenHours}`, `${names[index]}: ${l.staffHours}`]),
        series: [
          {label: l.before, values: services.lifeEvents.flatMap((e) => [number(e.burdenBefore.citizenHours), number(e.burdenBefore.staffHours)])},
          {label: after, values: services.lifeEvents.flatMap((e) => [number(e.burdenAfter.citizenHours), number(e.burdenAfter.staffHours)])},
        ],
        yTitle: l.hoursUnit,
      },
      {
        id: 'services-saved-by-year',
        kind: 'stacked-bar',
        title: l.chartByYear,
        labels: services.byYear.map((row) => `FY${row.year}`),
        series: [
          {label: l.citizenHours, values: services.byYear.map((row) => number(row.saved.citizenHours))},
          {label: l.staffHours, values: services.byYear.map((row) => number(row.saved.staffHours))},
        ],
        yTitle: l.hoursUnit,
      },
    ],
  }
}
