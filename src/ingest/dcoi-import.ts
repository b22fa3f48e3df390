import {basename} from 'node:path'

import {InvalidInputError, UsageError} from '../domain/errors.js'
import {parsePeriod} from '../domain/facility.js'
import type {Store} from '../store/open.js'
import {writeImport} from '../store/imports.js'
import type {EncodingOption} from './csv.js'
import {readIdcFile, type IdcFinding, type IdcOutcome} from './dcoi-idc.js'
import {sha256File} from './import.js'
import {checkInputFile} from './input-file.js'

export interface IdcOptions {
  encoding: EncodingOption
  maxIssues?: number
}

export interface IdcVerdict {
  file: string
  kind: 'dcoi-idc'
  encoding: string
  records: number
  /** Rows that become facilities (valid records). */
  facilities: number
  invalidRecords: number
  errors: number
  warnings: IdcFinding[]
  /** How many findings of each rule, errors and warnings. */
  byRule: Record<string, number>
}

export interface IdcImportSummary extends IdcVerdict {
  sha256: string
  bytes: number
  period: string
  inserted: number
  updated: number
  unchanged: number
  periodsAdded: number
  periodsUpdated: number
  dryRun: boolean
  changeSetId: number | null
}

function verdict(file: string, outcome: IdcOutcome): IdcVerdict {
  return {
    file,
    kind: 'dcoi-idc',
    encoding: outcome.encoding,
    records: outcome.records,
    facilities: outcome.facilities.length,
    invalidRecords: outcome.invalidRecords,
    errors: outcome.errors,
    warnings: outcome.findings.filter((entry) => entry.severity === 'warning'),
    byRule: outcome.byRule,
  }
}

/** Errors stop everything: every finding (errors and warnings, each with its rule) is reported and nothing is written. */
function failOnErrors(file: string, outcome: IdcOutcome, maxIssues: number): void {
  if (outcome.errors === 0) return
  const total = outcome.findings.length
  throw new InvalidInputError(
    `${basename(file)}: ${outcome.errors} error${outcome.errors === 1 ? '' : 's'} and ${outcome.warnings} warning${outcome.warnings === 1 ? '' : 's'} in the DCOI inventory; nothing was written`,
    outcome.findings.slice(0, maxIssues),
    {totalIssues: total},
  )
}

/** Checks an IDC inventory as OMB's validator does, and more strictly; throws (exit 3) when it has errors. */
export async function validateIdcFile(file: string, options: IdcOptions): Promise<IdcVerdict> {
  await checkInputFile(file)
  const outcome = await readIdcFile(file, options)
  failOnErrors(file, outcome, options.maxIssues ?? 100)
  return verdict(file, outcome)
}

/** The reporting period of `--period`, canonical (`2024-Q3`); a usage error when missing or malformed. */
export function requirePeriod(text: string | undefined): string {
  if (text === undefined)
    throw new UsageError('an IDC inventory reports one quarter: say which with --period', {
      suggestion: 'e.g. --period 2024-Q3 (fiscal year 2024, third quarter); OMB writes it 2024q3',
    })
  const period = parsePeriod(text)
  if (!period) throw new UsageError(`--period ${text} is not a fiscal quarter`, {suggestion: 'write it as 2024-Q3, FY2024-Q3 or 2024q3'})
  return period
}

/**
 * Imports an IDC inventory: each valid record becomes a facility (inserted, or
 * its changed fields updated) with its figures for `period`, all in one
 * transaction and one change set. Importing the next quarter adds that
 * quarter's figures and keeps the earlier ones. Invalid records are counted,
 * not imported. Any error: nothing is written.
 */
export async function importIdcFile(
  store: Store,
  file: string,
  options: IdcOptions & {period: string; dryRun: boolean; actor: string; command: string},
): Promise<IdcImportSummary> {
  await checkInputFile(file)
  const shaPromise = sha256File(file)
  const outcome = await readIdcFile(file, options)
  failOnErrors(file, outcome, options.maxIssues ?? 100)
  const summary: IdcImportSummary = {
    ...verdict(file, outcome),
    sha256: await shaPromise,
    bytes: outcome.bytes,
    period: options.period,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    periodsAdded: 0,
    periodsUpdated: 0,
    dryRun: options.dryRun,
    changeSetId: null,
  }
  if (outcome.facilities.length === 0) return summary
  class Rollback extends Error {}
  try {
    await writeImport(
      store,
      {actor: options.actor, command: options.command, fileName: basename(file), at: new Date().toISOString()},
      {bulkCostLoad: false},
      async (session) => {
        const counts = await session.writeFacilities(
          outcome.facilities.map((row) => ({facility: row.facility, metrics: {facilityId: row.facility.id, period: options.period, ...row.metrics}})),
        )
        Object.assign(summary, counts)
        await session.setFileHash(summary.sha256)
        await session.finish(
          counts.inserted + counts.updated,
          `DCOI inventory ${options.period}: ${counts.inserted} facilities inserted, ${counts.updated} updated, ${counts.unchanged} unchanged`,
        )
        summary.changeSetId = session.changeSetId
        if (options.dryRun) throw new Rollback()
      },
    )
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
    summary.changeSetId = null
  }
  return summary
}

/** Whether a file's header is an IDC inventory's (read from its first line only). */
export async function looksLikeIdc(file: string, encoding: EncodingOption): Promise<boolean> {
  const {readCsv} = await import('./csv.js')
  const {isIdcHeader} = await import('./dcoi-idc.js')
  let found = false
  let seen = false
  await readCsv(
    {file, encoding},
    {
      header(cells) {
        found = isIdcHeader(cells)
        seen = true
      },
      record() {},
      shouldStop: () => seen,
    },
  )
  return found
}

/** Whether to read a file as an IDC inventory: asked with --kind dcoi-idc, or (auto) a CSV whose header is one. */
export async function isIdcInput(file: string, kind: string | undefined, encoding: EncodingOption): Promise<boolean> {
  if (kind === 'dcoi-idc') return true
  if (kind !== undefined && kind !== 'auto') return false
  if (/\.xls[xm]$/i.test(file)) return false
  return looksLikeIdc(file, encoding)
}
