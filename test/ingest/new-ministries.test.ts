import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect, it} from 'vitest'

import {SAMPLES_DIR} from '../../src/platform/paths.js'
import {cli, contents, ok, tempDir} from '../inventory/helpers.js'
import {describeEachBackend} from '../support/stores.js'

/**
 * Ministries created since the 2009 table (消費者庁, 復興庁, 個人情報保護委員会,
 * デジタル庁, こども家庭庁) are added with their codes; systems then name them by
 * code or by name, and the sample デジタル庁 budget workbook (years over spend
 * types) becomes cost lines.
 */
await describeEachBackend('ministries created since 2009', (_backend, fresh) => {
  it('imports the sample ministries, the デジタル庁 systems and its budget workbook', async () => {
    const url = await fresh()
    await ok(['init', '--database', url])
    const ministries = await ok(['inventory', 'import', join(SAMPLES_DIR, 'ministries-since-2009.csv'), '--database', url, '--json'])
    expect(ministries.json).toMatchObject({kind: 'ministries', inserted: 5})
    const exported = await ok(['inventory', 'export', '--database', url, '--kind', 'ministries', '--format', 'json'])
    const stored = JSON.parse(exported.stdout).rows as Array<Record<string, unknown>>
    expect(stored.filter((ministry) => ['caa', 'recon', 'ppc', 'digital', 'cfa'].includes(ministry.code as string))).toHaveLength(5)
    expect(stored.find((ministry) => ministry.code === 'digital')).toMatchObject({nameJa: 'デジタル庁', nameEn: 'Digital Agency'})

    const systems = await ok(['inventory', 'import', join(SAMPLES_DIR, 'digital-agency-systems.csv'), '--database', url, '--json'])
    expect(systems.json).toMatchObject({kind: 'systems', inserted: 4})
    const budget = await ok(['inventory', 'import', join(SAMPLES_DIR, 'digital-agency-budget.xlsx'), '--database', url, '--json'])
    expect(budget.json).toMatchObject({kind: 'costs', inserted: 36, workbook: {sheet: '予算', headerRows: [4, 5], unit: {name: 'thousand'}}})
    const register = await contents(url)
    expect((register.systems as Array<Record<string, unknown>>).every((system) => system.ministry === 'digital')).toBe(true)
    const costs = register.costs as Array<Record<string, unknown>>
    expect(costs.find((line) => line.systemId === 'DA-0002' && line.fiscalYear === 2023 && line.spendType === 'development')).toMatchObject({
      pool: 'software',
      amount: '95000000',
    })

    // Systems name the new ministries by code, Japanese or English name, or an alias.
    const file = join(tempDir(), 'new.csv')
    writeFileSync(
      file,
      'id,ministry,name,category\nCFA-0001,こども家庭庁,こども家庭庁LAN,lan\nCFA-0002,cfa,こどもDB,common\nPPC-0001,個情委,個人情報保護LAN,lan\nCAA-0001,Consumer Affairs Agency,消費者庁LAN,lan\n',
    )
    await ok(['inventory', 'import', file, '--database', url])
    const named = (await contents(url)).systems as Array<Record<string, unknown>>
    expect(
      Object.fromEntries(named.filter((system) => !(system.id as string).startsWith('DA-')).map((system) => [system.id, system.ministry])),
    ).toEqual({
      'CFA-0001': 'cfa',
      'CFA-0002': 'cfa',
      'PPC-0001': 'ppc',
      'CAA-0001': 'caa',
    })

    // A ministry not added yet is refused with the ministries kasumi knows; nothing is written.
    const before = await contents(url)
    const unknown = join(tempDir(), 'unknown.csv')
    writeFileSync(unknown, 'id,ministry,name,category\nXX-0001,スポーツ庁,スポーツ庁LAN,lan\n')
    const refused = await cli(['inventory', 'import', unknown, '--database', url])
    expect(refused.exitCode).toBe(3)
    expect(refused.stderr).toContain('スポーツ庁')
    expect(await contents(url)).toEqual(before)
  })
})
