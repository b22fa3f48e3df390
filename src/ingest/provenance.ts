import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'

/** An input file as provenance records it: its role, where it was read, its SHA-256 and, when counted, its rows. */
export interface InputFileRecord {
  role: string
  file: string
  sha256: string
  rows?: number
}

/** Reads an input file once for its SHA-256 (and, when given, the rows it holds). */
export async function inputFileRecord(role: string, file: string, rows?: number): Promise<InputFileRecord> {
  const content = await readFile(file)
  return {role, file, sha256: createHash('sha256').update(content).digest('hex'), ...(rows === undefined ? {} : {rows})}
}

/** Data rows of a CSV file: its non-empty lines after the header. */
export async function csvDataRows(file: string): Promise<number> {
  const lines = String(await readFile(file))
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
  return Math.max(0, lines.length - 1)
}
