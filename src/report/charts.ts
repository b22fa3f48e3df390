import type {Chart, ChartConfiguration, ChartDataset, Plugin, TooltipItem} from 'chart.js'

import {labelsFor} from '../domain/labels/index.js'
import {fontFamily, registerFonts} from './fonts.js'
import type {ChartSpec, ReportDocument} from './model.js'
import type {Lang} from '../domain/lang.js'

/**
 * Chart configurations (pure: a ChartSpec in, a chart.js configuration out)
 * and their rendering to PNG (or to pixels, for the PDF). chart.js, the canvas and the fonts are loaded
 * only when a chart is drawn.
 */

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies; yellow last, as it is faint on white. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#000000', '#F0E442'] as const

/** Mixes a #rrggbb colour with white (amount > 0) or black (amount < 0). */
function mix(colour: string, amount: number): string {
  const target = amount > 0 ? 255 : 0
  const channels = [1, 3, 5].map((start) => parseInt(colour.slice(start, start + 2), 16))
  return `#${channels
    .map((channel) =>
      Math.round(channel + (target - channel) * Math.abs(amount))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`
}

/** The colour of the n-th series: the palette, then its lighter tints, then its darker shades. */
export function seriesColour(index: number): string {
  const base = PALETTE[index % PALETTE.length]
  const round = Math.floor(index / PALETTE.length) % 3
  if (round === 0) return base
  if (round === 1) return mix(base, 0.5)
  // Black has no darker shade: a dark grey stands in for it.
  return base === '#000000' ? mix(base, 0.25) : mix(base, -0.35)
}

export const DEFAULT_WIDTH = 1000
export const DEFAULT_HEIGHT = 560
/** Heights of tall charts step by this much, so that charts of similar size share one canvas renderer. */
const HEIGHT_STEP = 80
const ROW_HEIGHT = 26
const MAX_HEIGHT = 2400

const TEXT = '#222222'
const GRID = '#e3e3e3'
const AXIS_ZERO = '#888888'
const MARKER = '#333333'
const TARGET_BINS = 30

export const numberFormat = new Intl.NumberFormat('en', {maximumFractionDigits: 2})
const wholeFormat = new Intl.NumberFormat('en', {maximumFractionDigits: 0})

export type BarPoint = number | [number, number] | null
export type KasumiChartConfig = ChartConfiguration<'bar' | 'line', BarPoint[], string>

/** A vertical or horizontal line across the plot, at a value of one axis (a category index, possibly fractional, on a category axis). */
export interface ChartLine {
  label: string
  axis: 'x' | 'y'
  value: number
}

/** The inline plugin drawing markers and the reference line; the lines are kept on it so that tests can read them. */
export interface LinePlugin extends Plugin<'bar' | 'line'> {
  id: 'kasumi-lines'
  lines: ChartLine[]
}

export interface ChartSize {
  width: number
  height: number
}

/** Bars along the y axis (one row per label) for horizontal bars and tornadoes. */
function horizontal(spec: ChartSpec): boolean {
  return spec.kind === 'horizontal-bar' || spec.kind === 'tornado'
}

/** 1000×560, taller for horizontal bars with many labels (in steps, so that renderers are reused). */
export function chartSize(spec: ChartSpec): ChartSize {
  if (!horizontal(spec)) return {width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT}
  const wanted = 150 + spec.labels.length * ROW_HEIGHT
  const height = Math.min(MAX_HEIGHT, Math.max(DEFAULT_HEIGHT, Math.ceil(wanted / HEIGHT_STEP) * HEIGHT_STEP))
  return {width: DEFAULT_WIDTH, height}
}

export interface Histogram {
  labels: string[]
  counts: number[]
  min: number
  width: number
}

/** Bins values into about 30 equal bins (fewer for few values); a label is its bin's centre. */
export function histogram(values: readonly number[], target = TARGET_BINS): Histogram {
  const finite = values.filter((value) => Number.isFinite(value))
  if (finite.length === 0) return {labels: [], counts: [], min: 0, width: 1}
  let min = Infinity
  let max = -Infinity
  for (const value of finite) {
    if (value < min) min = value
    if (value > max) max = value
  }
  const bins = max === min ? 1 : Math.max(1, Math.min(target, Math.ceil(Math.sqrt(finite.length))))
  const width = max === min ? Math.max(1, Math.abs(min) * 0.01) : (max - min) / bins
  if (max === min) min -= width / 2
  const counts = new Array<number>(bins).fill(0)
  for (const value of finite) counts[Math.min(bins - 1, Math.floor((value - min) / width))]++
  const labels = counts.map((_, index) => wholeFormat.format(min + (index + 0.5) * width))
  return {labels, counts, min, width}
}

function fontOf(lang: Lang, size: number, weight: 'normal' | 'bold' = 'normal') {
  return {family: fontFamily(lang), size, weight}
}

function valueOf(item: TooltipItem<'bar' | 'line'>, indexAxis: 'x' | 'y'): number {
  const parsed = item.parsed as {x: number; y: number}
  return indexAxis === 'y' ? parsed.x : parsed.y
}

/** Where a marker goes on the index axis: a label's position, or a value placed among numeric labels. */
function markerPosition(spec: ChartSpec, at: string | number, bins?: Histogram): number | undefined {
  if (bins) {
    const value = typeof at === 'number' ? at : Number(at)
    return Number.isFinite(value) ? (value - bins.min) / bins.width - 0.5 : undefined
  }
  const index = spec.labels.indexOf(String(at))
  if (index >= 0) return index
  return typeof at === 'number' && at >= 0 && at <= spec.labels.length - 1 ? at : undefined
}

/** A chart.js configuration for a chart of the report, in the document's language. */
export function chartConfig(spec: ChartSpec, lang: Lang): KasumiChartConfig {
  const indexAxis: 'x' | 'y' = horizontal(spec) ? 'y' : 'x'
  const valueAxis: 'x' | 'y' = indexAxis === 'x' ? 'y' : 'x'
  const colour = seriesColour
  let labels = spec.labels
  let datasets: Array<ChartDataset<'bar' | 'line', BarPoint[]>>
  let bins: Histogram | undefined
  const lines: ChartLine[] = []

  switch (spec.kind) {
    case 'line':
      datasets = spec.series.map((series, index) => ({
        type: 'line' as const,
        label: series.label,
        data: series.values,
        borderColor: colour(index),
        backgroundColor: colour(index),
        borderWidth: 2.5,
        pointRadius: 3,
        tension: 0,
        fill: false,
      }))
      break
    case 'histogram': {
      bins = histogram(spec.series[0]?.values ?? [])
      labels = bins.labels
      datasets = [
        {
          label: spec.series[0]?.label ?? '',
          data: bins.counts,
          backgroundColor: colour(0),
          borderColor: '#ffffff',
          borderWidth: 1,
          barPercentage: 1,
          categoryPercentage: 1,
        },
      ]
      break
    }
    case 'tornado': {
      const base = spec.referenceLine?.value ?? 0
      // Floating bars from the base NPV to the NPV at each end of the parameter's range.
      datasets = spec.series.slice(0, 2).map((series, index) => ({
        label: series.label,
        data: series.values.map((value): [number, number] => [base, value]),
        backgroundColor: index === 0 ? PALETTE[3] : PALETTE[0],
        grouped: false,
        barPercentage: 0.7,
        maxBarThickness: 48,
      }))
      break
    }
    default:
      datasets = spec.series.map((series, index) => ({label: series.label, data: series.values, backgroundColor: colour(index), borderWidth: 0}))
  }

  for (const marker of spec.markers ?? []) {
    const position = markerPosition(spec, marker.at, bins)
    if (position !== undefined) lines.push({label: marker.label, axis: 'x', value: position})
  }
  if (spec.referenceLine) lines.push({label: spec.referenceLine.label, axis: valueAxis, value: spec.referenceLine.value})

  const stacked = spec.kind === 'stacked-bar'
  const ticksFont = fontOf(lang, 12)
  const titleFont = fontOf(lang, 13, 'bold')
  const valueTitle = valueAxis === 'x' ? spec.xTitle : spec.yTitle
  const indexTitle = valueAxis === 'x' ? spec.yTitle : spec.xTitle
  const histogramCountTitle = spec.kind === 'histogram' ? labelsFor(lang).charts.runs : undefined
  const valueScale = {
    type: 'linear' as const,
    stacked,
    beginAtZero: spec.kind !== 'line' && spec.kind !== 'tornado',
    grace: spec.kind === 'tornado' ? '5%' : 0,
    title: {
      display: Boolean(valueTitle ?? histogramCountTitle),
      text: (spec.kind === 'histogram' ? histogramCountTitle : valueTitle) ?? '',
      color: TEXT,
      font: titleFont,
    },
    ticks: {color: TEXT, font: ticksFont, callback: (value: string | number) => numberFormat.format(Number(value))},
    grid: {color: (context: {tick?: {value: number}}) => (context.tick?.value === 0 ? AXIS_ZERO : GRID)},
  }
  const indexScale = {
    type: 'category' as const,
    stacked,
    title: {
      display: Boolean(spec.kind === 'histogram' ? spec.xTitle : indexTitle),
      text: (spec.kind === 'histogram' ? spec.xTitle : indexTitle) ?? '',
      color: TEXT,
      font: titleFont,
    },
    ticks: {color: TEXT, font: ticksFont, autoSkip: indexAxis === 'x', maxRotation: spec.kind === 'histogram' ? 0 : 50},
    grid: {display: false},
  }
  // The histogram's value (runs) is on y, its bins (currency) on x.
  const scales = indexAxis === 'x' ? {x: indexScale, y: valueScale} : {x: valueScale, y: indexScale}

  const plugins: Array<Plugin<'bar' | 'line'>> = [whiteBackground, linePlugin(lines, lang)]
  // Horizontal bars carry their values: small bars beside large ones stay readable.
  if (spec.kind === 'horizontal-bar') plugins.push(valueLabels(lang))
  return {
    type: spec.kind === 'line' ? 'line' : 'bar',
    data: {labels, datasets},
    options: {
      responsive: false,
      animation: false,
      indexAxis,
      layout: {padding: {top: 8, right: spec.kind === 'horizontal-bar' ? 84 : 24, bottom: 8, left: 8}},
      color: TEXT,
      font: fontOf(lang, 12),
      plugins: {
        title: {display: true, text: spec.title, color: TEXT, font: fontOf(lang, 18, 'bold'), padding: {top: 6, bottom: 14}},
        legend: {display: spec.series.length > 1 && spec.kind !== 'histogram', position: 'bottom', labels: {color: TEXT, font: fontOf(lang, 12)}},
        tooltip: {
          titleFont: fontOf(lang, 12, 'bold'),
          bodyFont: fontOf(lang, 12),
          callbacks: {
            label: (item: TooltipItem<'bar' | 'line'>) =>
              `${item.dataset.label ? `${item.dataset.label}: ` : ''}${numberFormat.format(valueOf(item, indexAxis))}`,
          },
        },
      },
      scales,
    },
    plugins,
  } as KasumiChartConfig
}

/** Paints the canvas white before anything else, so that PNGs are not transparent. */
export const whiteBackground: Plugin<'bar' | 'line'> = {
  id: 'kasumi-white-background',
  beforeDraw(chart: Chart) {
    const {ctx, width, height} = chart
    ctx.save()
    ctx.globalCompositeOperation = 'destination-over'
    ctx.fillStyle = '#ffffff'
    ctx.fillRect(0, 0, width, height)
    ctx.restore()
  },
}

/** Draws dashed marker lines (x) and reference lines (x or y) with their labels, over the data. */
export function linePlugin(lines: ChartLine[], lang: Lang): LinePlugin {
  return {
    id: 'kasumi-lines',
    lines,
    afterDatasetsDraw(chart: Chart) {
      const {ctx, chartArea} = chart
      const family = fontFamily(lang)
      lines.forEach((line, index) => {
        const scale = chart.scales[line.axis]
        if (!scale) return
        const pixel = scale.getPixelForValue(line.value)
        if (!Number.isFinite(pixel)) return
        ctx.save()
        ctx.strokeStyle = MARKER
        ctx.fillStyle = MARKER
        ctx.lineWidth = 1.5
        ctx.setLineDash([6, 4])
        ctx.beginPath()
        if (line.axis === 'x') {
          ctx.moveTo(pixel, chartArea.top)
          ctx.lineTo(pixel, chartArea.bottom)
        } else {
          ctx.moveTo(chartArea.left, pixel)
          ctx.lineTo(chartArea.right, pixel)
        }
        ctx.stroke()
        ctx.setLineDash([])
        ctx.font = `12px ${family}`
        ctx.textBaseline = 'top'
        if (line.axis === 'x') {
          // Labels of nearby markers (P10/P50/P90) are stacked, not overprinted.
          const widthOf = ctx.measureText(line.label).width
          const left = pixel + 4 + widthOf <= chartArea.right ? pixel + 4 : pixel - 4 - widthOf
          label(ctx, line.label, left, chartArea.top + 4 + (index % 3) * 17, widthOf)
        } else {
          const widthOf = ctx.measureText(line.label).width
          label(ctx, line.label, chartArea.right - 4 - widthOf, pixel - 18, widthOf)
        }
        ctx.restore()
      })
    },
  }
}

/** Writes each bar's value just past its end (horizontal bars). */
export function valueLabels(lang: Lang): Plugin<'bar' | 'line'> {
  return {
    id: 'kasumi-value-labels',
    afterDatasetsDraw(chart: Chart) {
      const {ctx} = chart
      ctx.save()
      ctx.font = `11px ${fontFamily(lang)}`
      ctx.fillStyle = TEXT
      ctx.textAlign = 'left'
      ctx.textBaseline = 'middle'
      chart.data.datasets.forEach((dataset, index) => {
        const meta = chart.getDatasetMeta(index)
        if (meta.hidden) return
        meta.data.forEach((element, position) => {
          const value = dataset.data[position]
          if (typeof value !== 'number' || !Number.isFinite(value)) return
          const {x, y, base} = element.getProps(['x', 'y', 'base'], true) as {x: number; y: number; base: number}
          ctx.fillText(numberFormat.format(value), Math.max(x, base) + 4, y)
        })
      })
      ctx.restore()
    },
  }
}

/** A line's label on a white box, readable over bars. */
function label(ctx: Chart['ctx'], text: string, left: number, top: number, width: number): void {
  ctx.textAlign = 'left'
  ctx.fillStyle = 'rgba(255, 255, 255, 0.85)'
  ctx.fillRect(left - 2, top - 1, width + 4, 16)
  ctx.fillStyle = MARKER
  ctx.fillText(text, left, top)
}

/** Every chart of a document, in section order. */
export function documentCharts(document: ReportDocument): ChartSpec[] {
  return document.sections.flatMap((section) => section.charts ?? [])
}

interface Renderer {
  renderToBufferSync(configuration: unknown, mimeType?: 'image/png'): Buffer
  /** The chart drawn on a fresh canvas (the canvas's `data()` is its pixels, RGBA); destroy it when done. */
  renderChart(configuration: unknown): {
    canvas: {width: number; height: number; data(): Buffer; toBuffer(mime: 'image/png'): Buffer; encode(format: 'png'): Promise<Buffer>}
    destroy(): void
  }
}

/** One renderer per canvas size, kept for the process: creating one loads chart.js afresh. */
const renderers = new Map<string, Renderer>()

async function rendererFor(size: ChartSize): Promise<Renderer> {
  const key = `${size.width}x${size.height}`
  let renderer = renderers.get(key)
  if (!renderer) {
    const module = await import('chartjs-node-canvas')
    const ChartJSNodeCanvas = module.ChartJSNodeCanvas ?? (module as unknown as {default: typeof module}).default.ChartJSNodeCanvas
    renderer = new ChartJSNodeCanvas({
      width: size.width,
      height: size.height,
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = fontFamily('ja')
        ChartJS.defaults.color = TEXT
      },
    }) as unknown as Renderer
    renderers.set(key, renderer)
  }
  return renderer
}

/** Renders one chart as PNG. */
export async function renderChart(spec: ChartSpec, lang: Lang): Promise<Buffer> {
  await registerFonts()
  const renderer = await rendererFor(chartSize(spec))
  return renderer.renderToBufferSync(chartConfig(spec, lang), 'image/png')
}

/** Renders every chart of every section as PNG, by chart id. */
export async function renderCharts(document: ReportDocument): Promise<Map<string, Buffer>> {
  return (await drawCharts(document, {png: true})).png
}

/** A chart's pixels as drawn: RGBA, 8 bits a channel, row after row. */
export interface ChartPixels {
  width: number
  height: number
  rgba: Buffer
}

/**
 * Draws every chart of every section once, and keeps it as PNG (for the
 * formats that carry PNG files), as what `pixels` makes of its pixels (the
 * PDF's image: encoding a PNG only to decode it again costs more than the
 * drawing), or both, by chart id. Each chart's pixels are handed over as it
 * is drawn, so that no more than one chart's pixels are held at a time. The
 * PNG is the same as renderChart's.
 */
export async function drawCharts<T>(
  document: ReportDocument,
  want: {png: boolean; pixels?: (pixels: ChartPixels) => Promise<T>},
): Promise<{png: Map<string, Buffer>; pixels: Map<string, T>}> {
  const png = new Map<string, Buffer>()
  const pixels = new Map<string, T>()
  // The charts whose PNG is still being encoded, each with its chart, which keeps the canvas until then.
  let encoded: Promise<void> = Promise.resolve()
  try {
    for (const spec of documentCharts(document)) {
      await registerFonts()
      const renderer = await rendererFor(chartSize(spec))
      const chart = renderer.renderChart(chartConfig(spec, document.lang))
      // The pixels are taken first; then the PNG is encoded on the thread pool (the same bytes as toBuffer) while
      // this thread makes the PDF's image of the pixels and draws the next chart. At most two charts are held at a
      // time, and the PNGs are kept in the charts' order.
      const rgba = want.pixels ? chart.canvas.data() : undefined
      const encoding = want.png ? chart.canvas.encode('png') : undefined
      encoding?.catch(() => {})
      try {
        if (want.pixels) pixels.set(spec.id, await want.pixels({width: chart.canvas.width, height: chart.canvas.height, rgba: rgba!}))
      } catch (error) {
        await encoding?.catch(() => {})
        chart.destroy()
        throw error
      }
      await encoded
      encoded = (async () => {
        try {
          if (encoding) png.set(spec.id, await encoding)
        } finally {
          chart.destroy()
        }
      })()
      encoded.catch(() => {})
    }
  } finally {
    await encoded.catch(() => {})
  }
  await encoded
  return {png, pixels}
}
