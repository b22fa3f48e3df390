import type {Lang} from '../domain/lang.js'
import {labelsFor} from '../domain/labels/index.js'
import {DISPLAY_UNITS, formatAmount, type DisplayUnit} from '../domain/money.js'
import type {TableData} from '../domain/table.js'
import type {BurdenJson, LifeEventView, ServicesResult} from './services-result.js'

/** Pure table builders for the citizens' side: data in, rows of strings out. */

function eventName(event: LifeEventView, lang: Lang): string {
  const name = lang === 'en' ? (event.names.en ?? event.names.ja) : lang === 'zh-TW' ? (event.names['zh-TW'] ?? event.names.ja) : event.names.ja
  return `${event.id} ${name}`
}

const hours = (burden: BurdenJson) => formatAmount(burden.citizenHours)
const staff = (burden: BurdenJson) => formatAmount(burden.staffHours)

/** The seed's figure as a table: per life event, before and after — procedures, agencies, visits, documents, citizen and staff hours, fees. */
export function servicesTable(result: ServicesResult, lang: Lang, unit: DisplayUnit): TableData {
  const l = labelsFor(lang).services
  const factor = DISPLAY_UNITS[unit].factor
  const money = (value: string) => formatAmount(value, {unitFactor: factor})
  const rows: string[][] = []
  for (const event of result.lifeEvents) {
    rows.push([
      eventName(event, lang),
      l.before,
      event.before.procedures,
      event.before.agencies,
      event.before.visitsPerCase,
      event.before.documents,
      hours(event.burdenBefore),
      staff(event.burdenBefore),
      money(event.burdenBefore.fees),
    ])
    rows.push([
      '',
      `${l.after} (FY${result.runRateYear})`,
      event.after.procedures,
      event.after.agencies,
      event.after.visitsPerCase,
      event.after.documents,
      hours(event.burdenAfter),
      staff(event.burdenAfter),
      money(event.burdenAfter.fees),
    ])
  }
  const total = (label: string, burden: BurdenJson) => [label, '', '', '', '', '', hours(burden), staff(burden), money(burden.fees)]
  return {
    title: l.title,
    head: [
      l.lifeEvent,
      l.when,
      l.procedures,
      l.agencies,
      l.visits,
      l.documents,
      l.citizenHours,
      l.staffHours,
      `${l.fees} (${DISPLAY_UNITS[unit].label[lang]})`,
    ],
    rows,
    footer: [total(`${l.total}: ${l.before}`, result.before), total(`${l.total}: ${l.after}`, result.after), total(l.saved, result.saved)],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  }
}

/** What the citizens' time and the staff time are worth, and the cash, before and after (Standard Cost Model). */
export function servicesValueTable(result: ServicesResult, lang: Lang, unit: DisplayUnit): TableData {
  const l = labelsFor(lang).services
  const factor = DISPLAY_UNITS[unit].factor
  const money = (value: string) => formatAmount(value, {unitFactor: factor})
  const line = (label: string, burden: BurdenJson) => [
    label,
    money(burden.citizenValue),
    money(burden.staffCost),
    money(burden.fees),
    money(burden.postage),
  ]
  return {
    head: ['', l.citizenValue, l.staffCost, l.fees, `${l.postage} (${DISPLAY_UNITS[unit].label[lang]})`],
    rows: [line(l.before, result.before), line(`${l.after} (FY${result.runRateYear})`, result.after)],
    footer: [line(l.saved, result.saved)],
    align: ['left', 'right', 'right', 'right', 'right'],
  }
}

/** The service measures and what each reaches. */
export function serviceMeasuresTable(result: ServicesResult, lang: Lang): TableData {
  const l = labelsFor(lang).services
  return {
    head: [l.measure, l.type, l.reaches],
    rows: result.measures.map((measure) => [
      measure.label ? `${measure.id} ${measure.label}` : measure.id,
      measure.type,
      [
        measure.lifeEvents ? `${measure.lifeEvents} ${l.lifeEvent}` : '',
        measure.procedures ? `${measure.procedures} ${l.procedures}` : '',
        measure.documents ? `${measure.documents} ${l.documents}` : '',
      ]
        .filter(Boolean)
        .join(', '),
    ]),
  }
}
