import {createReadStream} from 'node:fs'
import {open} from 'node:fs/promises'
import {basename} from 'node:path'
import {createInflateRaw, inflateRawSync} from 'node:zlib'

import {InvalidInputError, type InputIssue} from '../../domain/errors.js'
import {parseRange, type CellRange} from './cells.js'
import {legacySheets} from './legacy.js'

/**
 * Checks a workbook file as a container before anything is expanded: what it
 * is (an XLSX or ODS ZIP package, an encrypted file, a legacy .xls OLE file,
 * something else), the sizes its central directory declares (a zip bomb is
 * refused here), and the sheets the workbook lists. Only xl/workbook.xml and
 * its relationships, both small, are inflated, each with an output cap;
 * `scanParts` later expands every part with a running cap before a reader does.
 */

/** Limits on what a workbook may declare. A 1 000 000-row sheet is about 300 MB of XML. */
export const ZIP_LIMITS = {
  /** Uncompressed size of any one part. */
  entryBytes: 1024 * 1024 * 1024,
  /** Uncompressed size of all parts together. */
  totalBytes: 2 * 1024 * 1024 * 1024,
  /** Expansion ratio refused for parts larger than `ratioFloorBytes` (spreadsheet XML stays well below it). */
  maxRatio: 200,
  ratioFloorBytes: 8 * 1024 * 1024,
  entries: 20_000,
}

export interface WorkbookSheetInfo {
  /** The sheet's name as its tab shows it. */
  name: string
  /** 1-based position among the sheets. */
  position: number
  hidden: boolean
  /** Its part in the package relative to xl/, e.g. worksheets/sheet1.xml, when the workbook names it. */
  part?: string
}

/** How the workbook is stored: Office Open XML (.xlsx, .xlsm), Excel 97–2003 (.xls) or OpenDocument (.ods). */
export type WorkbookFormat = 'xlsx' | 'xls' | 'ods'

export interface WorkbookInfo {
  /** Absent for a CSV file read as a sheet. */
  format?: WorkbookFormat
  sheets: WorkbookSheetInfo[]
  /** Workbooks it links to (never opened). */
  externalLinks: number
  /** It carries a VBA project (never run). */
  macros: boolean
  uncompressedBytes: number
}

interface ZipEntry {
  name: string
  flags: number
  method: number
  compressedSize: number
  uncompressedSize: number
  localOffset: number
}

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le')

function refuse(file: string, message: string, hint: string): never {
  const issue: InputIssue = {file, message, hint}
  throw new InvalidInputError(`${basename(file)}: ${message}; nothing was written`, [issue])
}

export async function inspectWorkbook(file: string): Promise<WorkbookInfo> {
  const handle = await open(file, 'r')
  try {
    const {size} = await handle.stat()
    const head = Buffer.alloc(Math.min(size, 8))
    await handle.read(head, 0, head.length, 0)
    if (head.length === 8 && head.equals(OLE_MAGIC)) {
      // Password-protected XLSX files are OLE compound files holding an EncryptionInfo stream.
      const sample = Buffer.alloc(Math.min(size, 4 * 1024 * 1024))
      await handle.read(sample, 0, sample.length, Math.max(0, size - sample.length))
      const start = Buffer.alloc(Math.min(size, 1024 * 1024))
      await handle.read(start, 0, start.length, 0)
      if (sample.includes(ENCRYPTION_INFO) || start.includes(ENCRYPTION_INFO)) {
        refuse(
          file,
          'the workbook is password-protected (encrypted)',
          'open it in Excel, remove the password (File › Info › Protect Workbook) and save it again; kasumi never asks for passwords',
        )
      }
      // An Excel 97–2003 workbook (whatever its name says): read with the legacy reader.
      return {format: 'xls', sheets: await legacySheets(file, 'xls'), externalLinks: 0, macros: false, uncompressedBytes: size}
    }
    if (size < 22 || head[0] !== 0x50 || head[1] !== 0x4b) {
      refuse(
        file,
        'not a workbook: an XLSX or ODS file is a ZIP archive and an XLS file an OLE document, and this file is neither',
        'check that the file was saved as .xlsx, .xls or .ods; a CSV file must end in .csv',
      )
    }
    const entries = await centralDirectory(file, handle, size)
    let total = 0
    for (const entry of entries) {
      if (entry.flags & 1) refuse(file, `the part ${entry.name} is encrypted`, 'remove the password in Excel and save the workbook again')
      if (entry.method !== 0 && entry.method !== 8)
        refuse(
          file,
          `the part ${entry.name} uses a compression kasumi does not read (method ${entry.method})`,
          'save the workbook again from Excel or LibreOffice',
        )
      total += entry.uncompressedSize
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize)
      if (
        entry.uncompressedSize > ZIP_LIMITS.entryBytes ||
        total > ZIP_LIMITS.totalBytes ||
        (entry.uncompressedSize > ZIP_LIMITS.ratioFloorBytes && ratio > ZIP_LIMITS.maxRatio)
      ) {
        refuse(
          file,
          `the archive declares ${mebibytes(entry.uncompressedSize)} for ${entry.name} (${mebibytes(total)} in all${ratio > ZIP_LIMITS.maxRatio ? `, expanded ${Math.round(ratio)} times` : ''}): refused before expanding it, as a possible zip bomb`,
          `kasumi reads workbooks of up to ${mebibytes(ZIP_LIMITS.totalBytes)} uncompressed; split the sheet, or export it as CSV`,
        )
      }
    }
    const byName = new Map(entries.map((entry) => [entry.name, entry]))
    const workbookEntry = byName.get('xl/workbook.xml')
    if (byName.has('content.xml') && byName.has('mimetype') && !workbookEntry) {
      const mimetype = await inflateEntry(file, handle, byName.get('mimetype')!)
      if (mimetype.trim() === 'application/vnd.oasis.opendocument.spreadsheet') {
        // Every part is expanded with a running cap before the legacy reader parses the package whole.
        await scanParts(file)
        return {
          format: 'ods',
          sheets: await legacySheets(file, 'ods'),
          externalLinks: 0,
          macros: entries.some((entry) => entry.name.startsWith('Basic/') && !entry.name.endsWith('/')),
          uncompressedBytes: total,
        }
      }
    }
    if (!byName.has('[Content_Types].xml') || !workbookEntry) {
      const word = byName.has('word/document.xml')
        ? ' (it is a Word document)'
        : byName.has('ppt/presentation.xml')
          ? ' (it is a PowerPoint file)'
          : byName.has('content.xml')
            ? ' (it is an OpenDocument file, but not a spreadsheet)'
            : ''
      refuse(file, `a ZIP archive that is not an Excel workbook${word}`, 'save the sheet from Excel as .xlsx, or export it as CSV')
    }
    const workbookXml = await inflateEntry(file, handle, workbookEntry)
    const relsEntry = byName.get('xl/_rels/workbook.xml.rels')
    const relsXml = relsEntry ? await inflateEntry(file, handle, relsEntry) : ''
    const sheets = listSheets(workbookXml, relsXml)
    if (sheets.length === 0) refuse(file, 'the workbook has no worksheet', 'put the table on a worksheet and save it again')
    return {
      format: 'xlsx',
      sheets,
      externalLinks: entries.filter((entry) => /^xl\/externalLinks\/externalLink\d+\.xml$/.test(entry.name)).length,
      macros: byName.has('xl/vbaProject.bin'),
      uncompressedBytes: total,
    }
  } finally {
    await handle.close()
  }
}

function mebibytes(bytes: number): string {
  return bytes >= 1024 * 1024 * 1024 ? `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GiB` : `${Math.ceil(bytes / 1024 / 1024)} MiB`
}

type Handle = Awaited<ReturnType<typeof open>>

async function readAt(handle: Handle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  const {bytesRead} = await handle.read(buffer, 0, length, position)
  return buffer.subarray(0, bytesRead)
}

async function centralDirectory(file: string, handle: Handle, size: number): Promise<ZipEntry[]> {
  const broken = () =>
    refuse(
      file,
      'the workbook is damaged: its ZIP directory cannot be read (the file may be truncated)',
      'download or copy the file again, or save it again from Excel',
    )
  const tailLength = Math.min(size, 65_557)
  const tail = await readAt(handle, size - tailLength, tailLength)
  let eocd = -1
  for (let index = tail.length - 22; index >= 0; index--) {
    if (tail.readUInt32LE(index) === 0x06054b50) {
      eocd = index
      break
    }
  }
  if (eocd < 0) broken()
  let count = tail.readUInt16LE(eocd + 10)
  let directorySize = tail.readUInt32LE(eocd + 12)
  let directoryOffset = tail.readUInt32LE(eocd + 16)
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20
    if (locator < 0 || tail.readUInt32LE(locator) !== 0x07064b50) broken()
    const zip64Offset = Number(tail.readBigUInt64LE(locator + 8))
    const record = await readAt(handle, zip64Offset, 56)
    if (record.length < 56 || record.readUInt32LE(0) !== 0x06064b50) broken()
    count = Number(record.readBigUInt64LE(32))
    directorySize = Number(record.readBigUInt64LE(40))
    directoryOffset = Number(record.readBigUInt64LE(48))
  }
  if (count > ZIP_LIMITS.entries) refuse(file, `the archive lists ${count} parts`, 'a workbook has a few dozen; this file is not one kasumi reads')
  if (directoryOffset + directorySize > size || directorySize > 64 * 1024 * 1024) broken()
  const directory = await readAt(handle, directoryOffset, directorySize)
  const entries: ZipEntry[] = []
  let at = 0
  for (let index = 0; index < count; index++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== 0x02014b50) broken()
    const nameLength = directory.readUInt16LE(at + 28)
    const extraLength = directory.readUInt16LE(at + 30)
    const commentLength = directory.readUInt16LE(at + 32)
    const entry: ZipEntry = {
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      uncompressedSize: directory.readUInt32LE(at + 24),
      localOffset: directory.readUInt32LE(at + 42),
    }
    // ZIP64: the real sizes and offset are in extra field 0x0001, in this order, for those set to 0xFFFFFFFF.
    let extra = at + 46 + nameLength
    const extraEnd = extra + extraLength
    while (extra + 4 <= extraEnd) {
      const id = directory.readUInt16LE(extra)
      const length = directory.readUInt16LE(extra + 2)
      if (id === 0x0001) {
        let field = extra + 4
        if (entry.uncompressedSize === 0xffffffff) {
          entry.uncompressedSize = Number(directory.readBigUInt64LE(field))
          field += 8
        }
        if (entry.compressedSize === 0xffffffff) {
          entry.compressedSize = Number(directory.readBigUInt64LE(field))
          field += 8
        }
        if (entry.localOffset === 0xffffffff) entry.localOffset = Number(directory.readBigUInt64LE(field))
      }
      extra += 4 + length
    }
    entries.push(entry)
    at = extraEnd + commentLength
  }
  return entries
}

async function inflateEntry(file: string, handle: Handle, entry: ZipEntry): Promise<string> {
  if (entry.uncompressedSize > 32 * 1024 * 1024)
    refuse(file, `the workbook's ${entry.name} declares ${mebibytes(entry.uncompressedSize)}`, 'this is not a workbook kasumi reads')
  const local = await readAt(handle, entry.localOffset, 30)
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50)
    refuse(file, 'the workbook is damaged: a part cannot be found where its directory says', 'save it again from Excel')
  const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
  const data = await readAt(handle, start, entry.compressedSize)
  try {
    const bytes = entry.method === 0 ? data : inflateRawSync(data, {maxOutputLength: entry.uncompressedSize + 1024})
    return bytes.toString('utf8')
  } catch {
    return refuse(file, `the workbook is damaged: ${entry.name} cannot be expanded`, 'save it again from Excel')
  }
}

function xmlText(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, digits: string) => String.fromCodePoint(Number(digits)))
    .replace(/&amp;/g, '&')
}

function attributes(tag: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const match of tag.matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) map.set(match[1], xmlText(match[2]))
  return map
}

/** The worksheets of xl/workbook.xml in tab order (chart sheets and others left out). */
function listSheets(workbookXml: string, relsXml: string): WorkbookSheetInfo[] {
  const targets = new Map<string, string>()
  for (const match of relsXml.matchAll(/<Relationship\b[^>]*>/g)) {
    const attrs = attributes(match[0])
    if (attrs.get('Id')) targets.set(attrs.get('Id')!, `${attrs.get('Type') ?? ''} ${attrs.get('Target') ?? ''}`)
  }
  const sheets: WorkbookSheetInfo[] = []
  for (const match of workbookXml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const attrs = attributes(match[0])
    const name = attrs.get('name')
    if (name === undefined) continue
    const rId = [...attrs.entries()].find(([key]) => key.endsWith(':id'))?.[1]
    const target = rId ? targets.get(rId) : undefined
    if (target !== undefined && !/\/worksheet\s/.test(target)) continue
    const part = target
      ?.split(' ')
      .at(-1)
      ?.replace(/^\/?(xl\/)?/, '')
    sheets.push({name, position: sheets.length + 1, hidden: (attrs.get('state') ?? 'visible') !== 'visible', part})
  }
  return sheets
}

/** What expanding every part showed: the merged cells of each worksheet part (by its path in the package). */
export interface PartScan {
  merges: Map<string, CellRange[]>
}

const MERGE_CELL = /<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]+)"/g
const MERGE_CELL_NAME = Buffer.from('mergeCell')

/**
 * Expands every part of a ZIP workbook once, with a running byte cap: the size
 * its central directory declares. A directory that lies about sizes (a zip
 * bomb made to pass the declared-size check) is refused as soon as a part
 * expands past what it declared, before any reader holds it in memory; the
 * output is counted and dropped, never kept. Worksheet parts are searched for
 * their merged cells on the way (they follow the cell data, where a streaming
 * reader would meet them too late).
 */
export async function scanParts(file: string): Promise<PartScan> {
  const handle = await open(file, 'r')
  const merges = new Map<string, CellRange[]>()
  try {
    const {size} = await handle.stat()
    const entries = await centralDirectory(file, handle, size)
    let total = 0
    for (const entry of entries) {
      if (entry.name.endsWith('/')) continue
      const worksheet = /^xl\/worksheets\/[^/]+\.xml$/.test(entry.name)
      const found = new Set<string>()
      let tail = Buffer.alloc(0)
      total += await expandEntry(file, handle, entry, (chunk) => {
        if (!worksheet) return
        // The bytes are searched as they are; only a chunk that names a merged cell (or whose start may
        // finish one begun in the chunk before) is read as text.
        if (chunk.includes(MERGE_CELL_NAME) || (tail.length > 0 && Buffer.concat([tail, chunk.subarray(0, 512)]).includes(MERGE_CELL_NAME))) {
          const text = tail.toString('latin1') + chunk.toString('latin1')
          for (const match of text.matchAll(MERGE_CELL)) found.add(match[1])
        }
        tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 512)))
      })
      if (total > ZIP_LIMITS.totalBytes)
        refuse(
          file,
          `the archive expands to more than ${mebibytes(ZIP_LIMITS.totalBytes)}: refused as a possible zip bomb`,
          'split the sheet, or export it as CSV',
        )
      if (found.size > 0)
        merges.set(
          entry.name,
          [...found].map((ref) => parseRange(ref)).filter((range): range is CellRange => range !== undefined),
        )
    }
  } finally {
    await handle.close()
  }
  return {merges}
}

/** Expands one part, handing its bytes on chunk by chunk; refused the moment it passes its declared size. Returns its size. */
async function expandEntry(file: string, handle: Handle, entry: ZipEntry, onChunk: (chunk: Buffer) => void): Promise<number> {
  let bytes = 0
  for await (const chunk of entryChunks(file, handle, entry)) {
    bytes += chunk.length
    onChunk(chunk)
  }
  return bytes
}

/** The expanded bytes of one part, chunk by chunk; refused the moment they pass its declared size. */
async function* entryChunks(file: string, handle: Handle, entry: ZipEntry): AsyncGenerator<Buffer> {
  const local = await readAt(handle, entry.localOffset, 30)
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50)
    refuse(file, 'the workbook is damaged: a part cannot be found where its directory says', 'save it again from Excel')
  if (entry.compressedSize === 0) return
  const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
  const source = createReadStream(file, {start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 16})
  const stream = entry.method === 0 ? source : source.pipe(createInflateRaw({chunkSize: 1 << 16}))
  let bytes = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length
      if (bytes > entry.uncompressedSize) {
        refuse(
          file,
          `the archive's directory declares ${entry.uncompressedSize.toLocaleString('en')} bytes for ${entry.name}, but it expands to more (stopped at ${bytes.toLocaleString('en')}): refused as a possible zip bomb`,
          'a workbook saved by Excel or LibreOffice declares its sizes truly; save it again, or export the sheet as CSV',
        )
      }
      yield chunk
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    refuse(
      file,
      `the workbook is damaged: ${entry.name} cannot be expanded (${String((error as Error).message ?? error).slice(0, 120)})`,
      'save it again from Excel',
    )
  } finally {
    source.destroy()
    if (stream !== source) stream.destroy()
  }
}

/**
 * The expanded bytes of the part `name` of a ZIP workbook, chunk by chunk, with
 * the same running cap as `scanParts`; nothing when the package has no such
 * part. Stopping early (a `break`) closes the file.
 */
export async function* partChunks(file: string, name: string): AsyncGenerator<Buffer> {
  const handle = await open(file, 'r')
  try {
    const {size} = await handle.stat()
    const entry = (await centralDirectory(file, handle, size)).find((candidate) => candidate.name === name)
    if (entry) yield* entryChunks(file, handle, entry)
  } finally {
    await handle.close()
  }
}
