import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runEstimate} from '../../src/estimate/run.js'
import {buildEstimateReport} from '../../src/report/build-estimate.js'
import {renderCharts} from '../../src/report/charts.js'
import {renderHtml} from '../../src/report/render/html.js'
import {openStore} from '../../src/store/open.js'
import {listMinistries} from '../../src/store/repositories/ministries.js'
import {ROOT, kasumi, tempDir} from '../support/cli.js'

/**
 * Opens a report made from a real estimate in headless Chromium that knows
 * no font (an empty fontconfig): every chart image loads, the figures in the
 * page equal the estimate's JSON, the page fits a phone's width and prints
 * without its navigation, and its CJK names are drawn with the font subsets
 * the page embeds. Screenshots are left in test-artefacts/.
 */

// Page globals for the functions run in the browser (the project's TypeScript has no DOM library).
declare const document: any
declare const window: any
declare function getComputedStyle(element: unknown): {display: string; breakBefore: string}

const CHROMIUM = '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
]
const SCENARIO = 'kasumigaseki-cloud'
const SAMPLES = join(ROOT, 'data', 'samples')

const available = existsSync(CHROMIUM)
if (!available && !process.env.CI)
  process.stderr.write(`\nThe browser check of the HTML report is SKIPPED: ${CHROMIUM} is missing. \`apt-get install chromium\` enables it.\n\n`)

describe.runIf(!available && Boolean(process.env.CI))('browser check prerequisites', () => {
  it('has Chromium', () => {
    throw new Error(
      `${CHROMIUM} is missing: CI must run the browser check of the HTML report. Install it with \`apt-get update && apt-get install -y chromium\` (see .ci/run).`,
    )
  })
})

/**
 * A fontconfig that knows no font at all: the page must bring its own glyphs,
 * as on a server or in a container without CJK fonts.
 */
function fontlessFontconfig(folder: string): string {
  const fonts = join(folder, 'no-fonts')
  const cache = join(folder, 'fontconfig-cache')
  mkdirSync(fonts, {recursive: true})
  mkdirSync(cache, {recursive: true})
  const file = join(folder, 'fonts.conf')
  writeFileSync(
    file,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${fonts}</dir>\n  <cachedir>${cache}</cachedir>\n</fontconfig>\n`,
  )
  return file
}

/** Where the browser tests leave their screenshots (ignored by git). */
const ARTEFACTS = join(ROOT, 'test-artefacts')

async function ok(argv: string[]) {
  const result = await kasumi(argv)
  if (result.exitCode !== 0) throw new Error(`kasumi ${argv.join(' ')} failed (${result.exitCode}): ${result.stderr}`)
  return result
}

describe.runIf(available)('HTML report in a browser', () => {
  const folder = tempDir('kasumi-browser-')
  const reportFile = join(folder, 'report.html')
  let estimate: any
  let browser: import('playwright-core').Browser
  let page: import('playwright-core').Page

  beforeAll(async () => {
    const database = join(folder, 'kasumi.db')
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', database])

    const {store} = await openStore(database, {create: false})
    try {
      const [byMinistry, byMeasure, byArea] = [
        await runEstimate(store, SCENARIO, {by: 'ministry'}),
        await runEstimate(store, SCENARIO, {by: 'measure'}),
        await runEstimate(store, SCENARIO, {by: 'area'}),
      ]
      // The estimate's JSON contract, as `kasumi estimate --json` prints it.
      estimate = JSON.parse(JSON.stringify(byMinistry.result))
      const ministries = await listMinistries(store.db)
      const document = buildEstimateReport({
        scenario: byMinistry.scenario,
        byMinistry: byMinistry.result,
        byMeasure: byMeasure.result,
        byArea: byArea.result,
        ministryNames: new Map(ministries.map((ministry) => [ministry.code, ministry.nameJa ?? ministry.nameZh])),
        measureLabels: new Map(byMinistry.scenario.measures.filter((measure) => measure.label).map((measure) => [measure.id, measure.label!])),
        lang: 'ja',
      })
      const charts = await renderCharts(document)
      expect(charts.size).toBeGreaterThan(0)
      const [file] = await renderHtml(document, {charts, bom: false})
      writeFileSync(reportFile, file.content)
    } finally {
      await store.close()
    }

    const {chromium} = await import('playwright-core')
    browser = await chromium.launch({executablePath: CHROMIUM, args: ARGS, env: {...process.env, FONTCONFIG_FILE: fontlessFontconfig(folder)}})
    page = await browser.newPage({viewport: {width: 1280, height: 900}})
    await page.goto(pathToFileURL(reportFile).href, {waitUntil: 'load'})
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
  })

  it('loads every chart image', async () => {
    const images = await page.$$eval('img', (elements) =>
      elements.map((image) => ({alt: image.alt, complete: image.complete, width: image.naturalWidth, height: image.naturalHeight})),
    )
    expect(images.length).toBeGreaterThanOrEqual(5)
    for (const image of images) {
      expect(image.complete, image.alt).toBe(true)
      expect(image.width, image.alt).toBeGreaterThan(0)
      expect(image.height, image.alt).toBeGreaterThan(0)
      expect(image.alt).not.toBe('')
    }
  })

  it('shows the totals of the estimate JSON', async () => {
    const value = (selector: string) => page.$eval(selector, (element) => element.getAttribute('data-value'))
    const totals = estimate.totals
    for (const key of ['savings', 'avoidance', 'oneTime', 'net']) {
      expect(await value(`#table-cash-flow tfoot td[data-key="${key}"]`), key).toBe(totals[key])
    }
    expect(await value('#table-by-ministry tfoot td[data-key="runRate"]')).toBe(totals.runRateSavings)
    expect(await value('#table-by-ministry tfoot td[data-key="hoursSaved"]')).toBe(estimate.hours.runRateSaved)
    expect(await value('#table-effects tfoot td[data-key="costReduction"]')).toBe(estimate.effects.totals.costReductionThousandYen)
    expect(await value('#table-effects tfoot td[data-key="hoursReduction"]')).toBe(estimate.effects.totals.hoursReduction)
    const cumulative = await page.$$eval('#table-cash-flow tbody td[data-key="cumulative"]', (cells) =>
      cells.map((cell) => cell.getAttribute('data-value')),
    )
    expect(cumulative).toEqual(totals.byYear.map((row: {cumulative: string}) => row.cumulative))
    const ministryRows = await page.$$eval('#table-by-ministry tbody td[data-key="runRate"]', (cells) =>
      cells.map((cell) => cell.getAttribute('data-value')),
    )
    expect(ministryRows).toEqual(estimate.by.rows.map((row: {runRateSavings: string}) => row.runRateSavings))
    // The NPV figure in thousands, rounded half up and grouped.
    const npv = Number(totals.npv) / 1000
    const shown = (Math.sign(npv) * Math.round(Math.abs(npv))).toLocaleString('en')
    expect(await page.textContent('#figure-npv dd')).toBe(`${shown} 千円`)
  })

  it('fits a phone: tables scroll inside their frames, the page does not', async () => {
    const phone = await browser.newPage({viewport: {width: 390, height: 844}, isMobile: true})
    try {
      await phone.goto(pathToFileURL(reportFile).href, {waitUntil: 'load'})
      const widths = await phone.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        wide: [...document.querySelectorAll('.table-wrap')].some((frame: any) => frame.scrollWidth > frame.clientWidth),
      }))
      expect(widths.page).toBeLessThanOrEqual(widths.viewport)
      expect(widths.wide).toBe(true)
      mkdirSync(ARTEFACTS, {recursive: true})
      await phone.screenshot({path: join(ARTEFACTS, 'report-phone.png')})
    } finally {
      await phone.close()
    }
  })

  it('prints on A4 without the table of contents', async () => {
    await page.emulateMedia({media: 'print'})
    expect(await page.$eval('nav.toc', (element) => getComputedStyle(element).display)).toBe('none')
    expect(await page.$eval('#section-cash-flow', (element) => getComputedStyle(element).breakBefore)).toBe('page')
    const pdf = await page.pdf({format: 'A4'})
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    await page.emulateMedia({media: 'screen'})
  })

  it('draws CJK names with the fonts it embeds, the machine having none', async () => {
    await page.evaluate(() => document.fonts.load('15px "Noto Sans JP"', document.body.textContent).then(() => document.fonts.ready))
    const faces = await page.evaluate(() => [...document.fonts].map((face: any) => `${face.family} ${face.weight} ${face.status}`).sort())
    expect(faces).toContain('Noto Sans JP 400 loaded')
    expect(faces).toContain('Noto Sans JP 700 loaded')
    // The fonts Chromium really drew a ministry's name with: the embedded one, for every glyph.
    const cell = '#table-by-ministry tbody tr:first-child td[data-key="key"]'
    const name = (await page.textContent(cell))!
    expect(name).toMatch(/[\u4e00-\u9fff]/)
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('DOM.enable')
    await cdp.send('CSS.enable')
    const {root} = await cdp.send('DOM.getDocument')
    const {nodeId} = await cdp.send('DOM.querySelector', {nodeId: root.nodeId, selector: cell})
    const {fonts} = await cdp.send('CSS.getPlatformFontsForNode', {nodeId})
    expect(fonts).toEqual([expect.objectContaining({postScriptName: 'NotoSansJP-Regular', isCustomFont: true, glyphCount: [...name].length})])
    // The same name without the embedded fonts: the browser has nothing to draw it with.
    const widths = await page.evaluate((selector: string) => {
      const source = document.querySelector(selector)
      const probe = (family: string) => {
        const span = document.createElement('span')
        span.textContent = source.textContent
        span.style.fontFamily = family
        span.style.fontSize = '20px'
        document.body.appendChild(span)
        const width = span.getBoundingClientRect().width
        span.remove()
        return width
      }
      return {embedded: probe('"Noto Sans JP"'), fallback: probe('"No Such Font", sans-serif')}
    }, cell)
    // Noto's ideographs are one em wide each: 20 px a character.
    expect(widths.embedded).toBeCloseTo([...name].length * 20, 0)
    expect(Math.abs(widths.embedded - widths.fallback)).toBeGreaterThan(1)
    mkdirSync(ARTEFACTS, {recursive: true})
    const screenshot = join(ARTEFACTS, 'report.png')
    await page.screenshot({path: screenshot, fullPage: true})
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG')
    process.stderr.write(`HTML report: ${reportFile}\nscreenshots: ${screenshot}, ${join(ARTEFACTS, 'report-phone.png')}\n`)
  })
})
