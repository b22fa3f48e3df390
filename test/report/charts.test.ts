import {describe, expect, it} from 'vitest'

import {PALETTE, chartConfig, chartSize, histogram, renderChart, renderCharts, seriesColour, type LinePlugin} from '../../src/report/charts.js'
import {FAMILY_JP, FAMILY_TC, fontFamily} from '../../src/report/fonts.js'
import type {ChartSpec, ReportDocument} from '../../src/report/model.js'

const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#000000']

const years = ['2010', '2011', '2012', '2013', '2014', '2015']

const SPECS: ChartSpec[] = [
  {
    id: 'bar',
    kind: 'bar',
    title: '担当府省別削減経費',
    labels: ['總務省', '財務省', '經濟產業省'],
    series: [{label: '削減経費', values: [1_200_000, 340_000, -50_000]}],
    xTitle: '担当府省',
    yTitle: '千円',
  },
  {
    id: 'horizontal',
    kind: 'horizontal-bar',
    title: '各業務削減時間',
    labels: Array.from({length: 30}, (_, index) => `業務 ${index + 1}`),
    series: [{label: '時間', values: Array.from({length: 30}, (_, index) => 30_000 - index * 900)}],
    xTitle: '時間',
  },
  {
    id: 'stacked',
    kind: 'stacked-bar',
    title: 'Savings by measure and year',
    labels: years,
    series: [
      {label: 'virtualize', values: [0, 10, 20, 30, 30, 30]},
      {label: 'joint-use', values: [0, 5, 10, 10, 10, 10]},
      {label: 'bpr', values: [0, 0, 3, 6, 9, 9]},
    ],
    yTitle: 'thousand yen',
  },
  {
    id: 'grouped',
    kind: 'grouped-bar',
    title: '府省別の実施前後の経費',
    labels: ['内閣官房', '総務省', '経済産業省'],
    series: [
      {label: '実施前', values: [5000, 8000, 3000]},
      {label: '実施後', values: [4000, 6000, 2500]},
    ],
    yTitle: '千円',
  },
  {
    id: 'line',
    kind: 'line',
    title: '累積純キャッシュフロー',
    labels: years,
    series: [{label: '累積純効果', values: [-5000, -8000, -4000, 1000, 7000, 14000]}],
    yTitle: '千円',
    markers: [{label: '回収年度 FY2013', at: '2013'}],
  },
  {
    id: 'histogram',
    kind: 'histogram',
    title: 'NPVの分布（モンテカルロ）',
    labels: [],
    series: [{label: 'NPV', values: Array.from({length: 1000}, (_, index) => 40_000 + ((index * 7919) % 1000) * 20)}],
    xTitle: '千円',
    markers: [
      {label: 'P10', at: 42_000},
      {label: 'P50', at: 50_000},
      {label: 'P90', at: 58_000},
    ],
  },
  {
    id: 'tornado',
    kind: 'tornado',
    title: 'NPVの感度（トルネード）',
    labels: ['measures.virtualize.ratio', 'discount.rate', 'hourlyCost'],
    series: [
      {label: 'low', values: [30_000, 45_000, 48_000]},
      {label: 'high', values: [70_000, 56_000, 52_000]},
    ],
    xTitle: '千円',
    referenceLine: {label: '正味現在価値', value: 50_000},
  },
]

const spec = (id: string) => SPECS.find((candidate) => candidate.id === id)!
const lines = (config: ReturnType<typeof chartConfig>) => (config.plugins!.find((plugin) => plugin.id === 'kasumi-lines') as LinePlugin).lines
// chart.js configurations are unions over chart types; tests read them as plain objects.
const options = (config: ReturnType<typeof chartConfig>) => config.options as any

function pngSize(png: Buffer) {
  return {width: png.readUInt32BE(16), height: png.readUInt32BE(20)}
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

describe('chartConfig', () => {
  it('maps each chart kind to a chart.js type and orientation', () => {
    const kinds = Object.fromEntries(
      SPECS.map((item) => {
        const config = chartConfig(item, 'ja')
        return [item.kind, `${config.type}/${options(config).indexAxis}`]
      }),
    )
    expect(kinds).toEqual({
      bar: 'bar/x',
      'horizontal-bar': 'bar/y',
      'stacked-bar': 'bar/x',
      'grouped-bar': 'bar/x',
      line: 'line/x',
      histogram: 'bar/x',
      tornado: 'bar/y',
    })
    expect(options(chartConfig(spec('stacked'), 'en')).scales.x.stacked).toBe(true)
    expect(options(chartConfig(spec('stacked'), 'en')).scales.y.stacked).toBe(true)
    expect(options(chartConfig(spec('grouped'), 'en')).scales.y.stacked).toBe(false)
  })

  it('is static, sized by the renderer, and has a white background', () => {
    for (const item of SPECS) {
      const config = chartConfig(item, 'en')
      expect(options(config).animation).toBe(false)
      expect(options(config).responsive).toBe(false)
      expect(config.plugins!.map((plugin) => plugin.id)).toContain('kasumi-white-background')
    }
  })

  it('colours series with the Okabe–Ito palette, in order', () => {
    expect(PALETTE.every((colour) => OKABE_ITO.includes(colour))).toBe(true)
    expect(new Set(PALETTE).size).toBe(8)
    const stacked = chartConfig(spec('stacked'), 'en')
    expect(stacked.data.datasets.map((dataset) => dataset.backgroundColor)).toEqual(PALETTE.slice(0, 3))
    const line = chartConfig(spec('line'), 'en')
    expect(line.data.datasets[0].borderColor).toBe(PALETTE[0])
  })

  it('tells more than eight series apart with tints and shades of the palette', () => {
    const colours = Array.from({length: 24}, (_, index) => seriesColour(index))
    expect(colours.slice(0, 8)).toEqual([...PALETTE])
    expect(new Set(colours).size).toBe(24)
    expect(seriesColour(8)).toBe('#80b9d9')
  })

  it('puts the units on the axes and the title in the document language', () => {
    const bar = options(chartConfig(spec('bar'), 'ja'))
    expect(bar.plugins.title).toMatchObject({display: true, text: '担当府省別削減経費'})
    expect(bar.scales.y.title).toMatchObject({display: true, text: '千円'})
    expect(bar.scales.x.title).toMatchObject({display: true, text: '担当府省'})
    // Horizontal bars: values (and their unit) along x.
    const horizontal = options(chartConfig(spec('horizontal'), 'ja'))
    expect(horizontal.scales.x.type).toBe('linear')
    expect(horizontal.scales.x.title.text).toBe('時間')
    expect(horizontal.scales.y.type).toBe('category')
    // Histogram: currency along x, the number of runs (in the document language) along y.
    expect(options(chartConfig(spec('histogram'), 'ja')).scales.x.title.text).toBe('千円')
    expect(options(chartConfig(spec('histogram'), 'ja')).scales.y.title.text).toBe('試行回数')
    expect(options(chartConfig(spec('histogram'), 'zh-TW')).scales.y.title.text).toBe('模擬次數')
  })

  it('groups thousands on value ticks and in tooltips', () => {
    const bar = options(chartConfig(spec('bar'), 'en'))
    expect(bar.scales.y.ticks.callback(1234567)).toBe('1,234,567')
    expect(bar.scales.y.ticks.callback(-50000)).toBe('-50,000')
    const label = bar.plugins.tooltip.callbacks.label({dataset: {label: '削減経費'}, parsed: {x: 0, y: 1200000}})
    expect(label).toBe('削減経費: 1,200,000')
    const tornado = options(chartConfig(spec('tornado'), 'en'))
    expect(tornado.plugins.tooltip.callbacks.label({dataset: {label: 'low'}, parsed: {x: 30000, y: 0}})).toBe('low: 30,000')
  })

  it('uses the CJK fonts, Traditional Chinese first for zh-TW', () => {
    expect(fontFamily('zh-TW').indexOf(FAMILY_TC)).toBeLessThan(fontFamily('zh-TW').indexOf(FAMILY_JP))
    expect(fontFamily('ja').indexOf(FAMILY_JP)).toBeLessThan(fontFamily('ja').indexOf(FAMILY_TC))
    expect(options(chartConfig(spec('bar'), 'zh-TW')).plugins.title.font.family).toBe(fontFamily('zh-TW'))
    expect(options(chartConfig(spec('bar'), 'ja')).scales.x.ticks.font.family).toBe(fontFamily('ja'))
  })

  it('keeps bars in the order given, with their values written beside horizontal bars', () => {
    const horizontal = chartConfig(spec('horizontal'), 'ja')
    expect(horizontal.plugins!.map((plugin) => plugin.id)).toContain('kasumi-value-labels')
    expect(chartConfig(spec('bar'), 'ja').plugins!.map((plugin) => plugin.id)).not.toContain('kasumi-value-labels')
    expect(horizontal.data.labels).toEqual(spec('horizontal').labels)
    expect(horizontal.data.datasets[0].data).toEqual(spec('horizontal').series[0].values)
  })

  it('marks the payback year on the line chart', () => {
    expect(lines(chartConfig(spec('line'), 'ja'))).toEqual([{label: '回収年度 FY2013', axis: 'x', value: 3}])
  })

  it('bins the histogram into about 30 bins and places P10/P50/P90 among them', () => {
    const values = spec('histogram').series[0].values
    const config = chartConfig(spec('histogram'), 'en')
    const counts = config.data.datasets[0].data as number[]
    expect(counts).toHaveLength(30)
    expect(counts.reduce((total, count) => total + count, 0)).toBe(values.length)
    expect(config.data.labels).toHaveLength(30)
    const markers = lines(config)
    expect(markers.map((marker) => marker.label)).toEqual(['P10', 'P50', 'P90'])
    const {min, width} = histogram(values)
    for (const [index, at] of [42_000, 50_000, 58_000].entries()) {
      expect(markers[index].axis).toBe('x')
      expect(markers[index].value).toBeCloseTo((at - min) / width - 0.5, 9)
      expect(markers[index].value).toBeGreaterThan(-0.5)
      expect(markers[index].value).toBeLessThan(29.5)
    }
    expect(markers[0].value).toBeLessThan(markers[1].value)
    expect(markers[1].value).toBeLessThan(markers[2].value)
  })

  it('bins few or equal values sensibly', () => {
    expect(histogram([5, 5, 5]).counts).toEqual([3])
    expect(histogram([1, 2, 3, 4]).counts.reduce((a, b) => a + b, 0)).toBe(4)
    expect(histogram([]).counts).toEqual([])
  })

  it('draws the tornado as bars from the base NPV to each end, with the base as a reference line', () => {
    const config = chartConfig(spec('tornado'), 'en')
    const [low, high] = config.data.datasets
    expect(low.data).toEqual([
      [50_000, 30_000],
      [50_000, 45_000],
      [50_000, 48_000],
    ])
    expect(high.data).toEqual([
      [50_000, 70_000],
      [50_000, 56_000],
      [50_000, 52_000],
    ])
    expect((low as {grouped?: boolean}).grouped).toBe(false)
    expect(lines(config)).toEqual([{label: '正味現在価値', axis: 'x', value: 50_000}])
  })

  it('makes horizontal bars taller with many labels, in steps', () => {
    expect(chartSize(spec('bar'))).toEqual({width: 1000, height: 560})
    expect(chartSize(spec('tornado'))).toEqual({width: 1000, height: 560})
    const tall = chartSize(spec('horizontal'))
    expect(tall.width).toBe(1000)
    expect(tall.height).toBeGreaterThan(560)
    expect(tall.height % 80).toBe(0)
  })
})

describe('renderCharts', () => {
  const document: ReportDocument = {
    name: 'sample',
    title: 'Sample',
    lang: 'ja',
    currency: 'JPY',
    data: {},
    sections: [
      {id: 'a', title: 'A', charts: SPECS.slice(0, 4)},
      {id: 'b', title: 'B'},
      {id: 'c', title: 'C', charts: SPECS.slice(4)},
    ],
  }

  it('renders every chart of every section as a PNG of the right size', async () => {
    const charts = await renderCharts(document)
    expect([...charts.keys()]).toEqual(SPECS.map((item) => item.id))
    for (const item of SPECS) {
      const png = charts.get(item.id)!
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
      expect(pngSize(png)).toEqual(chartSize(item))
      expect(png.length).toBeGreaterThan(5000)
    }
  })

  it('renders each chart again to the same picture once the renderer for its size exists (its speed is in npm run perf)', async () => {
    await renderCharts(document)
    // Each chart's best of three, so that other test files running in parallel do not decide the figure.
    const best = new Map<string, number>()
    const all: number[] = []
    for (let round = 0; round < 3; round++) {
      for (const item of SPECS) {
        const started = performance.now()
        await renderChart(item, 'ja')
        const took = performance.now() - started
        all.push(took)
        best.set(item.id, Math.min(best.get(item.id) ?? Infinity, took))
      }
    }
    const sorted = [...best.values()].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]
    all.sort((a, b) => a - b)
    process.stderr.write(
      `chart render time after the first: median of the best of three ${median.toFixed(1)} ms (slowest chart ${sorted.at(-1)!.toFixed(1)} ms; all ${all.length} renders: median ${all[Math.floor(all.length / 2)].toFixed(1)} ms)\n`,
    )
    for (const item of SPECS) expect((await renderChart(item, 'ja')).equals(await renderChart(item, 'ja')), item.id).toBe(true)
  })

  it('renders nothing for a document without charts', async () => {
    expect((await renderCharts({...document, sections: [{id: 'x', title: 'X'}]})).size).toBe(0)
  })
})
