import {closest, matchKey} from './text-match.js'
import type {Ministry} from './inventory.js'

/**
 * Finds a ministry by its code or any of its names (Traditional Chinese,
 * Japanese, English, aliases), ignoring case and character width.
 */
export class MinistryIndex {
  private readonly byKey = new Map<string, Ministry>()
  private readonly names: string[] = []

  constructor(readonly ministries: readonly Ministry[]) {
    for (const ministry of ministries) {
      for (const name of [ministry.code, ministry.nameZh, ministry.nameJa, ministry.nameEn, ...(ministry.aliases ?? [])]) {
        if (!name) continue
        this.byKey.set(matchKey(name), ministry)
        this.names.push(name)
      }
    }
  }

  find(nameOrCode: string): Ministry | undefined {
    return this.byKey.get(matchKey(nameOrCode))
  }

  suggest(nameOrCode: string): string | undefined {
    const match = closest(nameOrCode, this.names)
    if (!match) return undefined
    const ministry = this.find(match)!
    return match === ministry.code ? match : `${match} (${ministry.code})`
  }
}
