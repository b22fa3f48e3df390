/** Formats rendered on a thread of their own give the same files as on the main thread, and fall back to it. */
import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'

import type {ReportDocument} from '../../src/report/model.js'
import {renderAside} from '../../src/report/render/aside.js'
import {renderDocument} from '../../src/report/render/index.js'
import type {RenderedFile} from '../../src/report/render/types.js'

/**
 * A file's bytes; a workbook's as the name and bytes of each part, since its ZIP container stamps the parts with the
 * time it is written (to the second).
 */
async function contentOf(file: RenderedFile): Promise<unknown> {
  if (!file.path.endsWith('.xlsx')) return Buffer.from(file.content).toString('base64')
  const zip = await JSZip.loadAsync(Buffer.from(file.content))
  return Promise.all(Object.values(zip.files).map(async (entry) => [entry.name, await entry.async('base64')]))
}

const DOCUMENT: ReportDocument = {
  name: 't',
  title: '霞が関クラウド',
  lang: 'ja',
  currency: 'JPY',
  data: {totals: {npv: '1234567'}},
  sections: [
    {
      id: 's',
      title: '要約',
      figures: [{label: '正味現在価値', value: '1,234,567 円'}],
      tables: [
        {
          id: 'ministries',
          title: '府省別',
          columns: [
            {key: 'name', label: '府省', kind: 'text'},
            {key: 'saving', label: '削減額', kind: 'money'},
            {key: 'year', label: '年度', kind: 'year'},
          ],
          rows: [
            {name: '総務省', saving: '1200000', year: 2012},
            {name: '=SUM(A1)', saving: '-50000.5', year: 2013},
          ],
          totals: [{name: null, saving: '1149999.5', year: null}],
        },
      ],
    },
  ],
  provenance: {
    kasumi: '0.1.0',
    createdAt: '2026-01-02T03:04:05.000Z',
    command: 'kasumi report --scenario t',
    inputs: [{role: 'costs', file: 'kasumi.db#costs', sha256: '0'.repeat(64), rows: 2}],
  },
}

const FORMATS = ['md', 'csv', 'xlsx', 'json'] as const

describe('formats rendered aside', () => {
  it('are the same files, in the same order, as rendered on this thread', async () => {
    const here = await renderDocument(DOCUMENT, FORMATS, {bom: true})
    const aside = renderAside(['xlsx'])
    try {
      const beside = await renderDocument(DOCUMENT, FORMATS, {bom: true, aside})
      expect(beside.map((file) => file.path)).toEqual(here.map((file) => file.path))
      for (const [index, file] of beside.entries()) {
        expect(Buffer.isBuffer(file.content) || typeof file.content === 'string').toBe(true)
        expect(await contentOf(file), file.path).toEqual(await contentOf(here[index]))
      }
    } finally {
      await aside.cancel()
    }
  })

  it('are rendered on this thread when the thread is gone', async () => {
    const here = await renderDocument(DOCUMENT, ['xlsx'], {bom: true})
    const aside = renderAside(['xlsx'])
    await aside.cancel()
    const beside = await renderDocument(DOCUMENT, ['xlsx'], {bom: true, aside})
    expect(await Promise.all(beside.map(contentOf))).toEqual(await Promise.all(here.map(contentOf)))
  })
})
