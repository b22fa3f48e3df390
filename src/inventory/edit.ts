import {ConflictError, InvalidInputError, NotFoundError, UsageError, type InputIssue} from '../domain/errors.js'
import type {Ministry, SystemRecord} from '../domain/inventory.js'
import {MinistryIndex} from '../domain/ministry-index.js'
import {SYSTEM_FIELDS, systemFieldHeader, systemsKind, type BuildContext} from '../ingest/kinds.js'
import {RowReader, type ResolvedColumn} from '../ingest/table.js'
import {matchKey} from '../domain/text-match.js'
import type {Store} from '../store/open.js'
import {addSystemLogged, changeSystemLogged, fieldText} from '../store/edits.js'
import {findSystem, listMinistries} from '../store/register.js'
import {SYSTEM_EXPORT_COLUMNS} from './columns.js'

/** A system's fields as text cells keyed by field key: what an export row holds. */
export function systemCells(system: SystemRecord): Record<string, string> {
  const cells: Record<string, string> = {}
  SYSTEM_FIELDS.forEach((field, index) => {
    const value = SYSTEM_EXPORT_COLUMNS[index].value(system)
    cells[field.key] = value === null || value === undefined ? '' : String(value)
  })
  return cells
}

/** Finds a system field by any of its names (key, English header, Japanese or Chinese alias). */
export function findSystemField(name: string): string | undefined {
  const key = matchKey(name)
  return SYSTEM_FIELDS.find((field) => [field.key, field.header, ...field.aliases].some((candidate) => matchKey(candidate) === key))?.key
}

/**
 * Builds and checks a system from text values with exactly the rules of an
 * import, so that add, update and import can never disagree.
 */
export function buildSystem(
  ministries: readonly Ministry[],
  values: Record<string, string>,
  source: string,
  existingIds: ReadonlySet<string> | null,
): SystemRecord {
  const columns = new Map<string, ResolvedColumn>()
  const cells: string[] = []
  SYSTEM_FIELDS.forEach((field, index) => {
    columns.set(field.key, {index, field, factor: 1})
    cells.push(values[field.key] ?? '')
  })
  const issues: InputIssue[] = []
  const context: BuildContext = {
    file: source,
    calendar: 'gregorian',
    ministries: new MinistryIndex([...ministries]),
    storedSystemIds: existingIds,
    seenIds: new Map(),
    issues,
  }
  const row = new RowReader(source, columns, issues).reset(cells, 0)
  const system = systemsKind.build(row, context)
  for (const issue of issues) {
    issue.line = undefined
    issue.column = SYSTEM_FIELDS.find((field) => issue.column?.includes(`(${field.header})`))?.header ?? issue.column
  }
  if (!system || issues.length > 0) throw new InvalidInputError(`the system is not valid; nothing was written`, issues)
  return system
}

export interface EditResult {
  system: SystemRecord
  changes: Array<{field: string; before: string | null; after: string | null}>
  changeSetId: number | null
  dryRun: boolean
}

export async function addSystem(store: Store, values: Record<string, string>, options: {actor: string; dryRun?: boolean}): Promise<EditResult> {
  const system = buildSystem(await listMinistries(store), values, 'new system', null)
  const exists = () =>
    new ConflictError(`a system with id ${system.id} already exists`, {suggestion: `use \`kasumi inventory update ${system.id} --set field=value\``})
  const changes = (Object.keys(systemCells(system)) as Array<keyof SystemRecord>)
    .map((field) => ({field: systemFieldHeader(field), before: null, after: fieldText(system, field)}))
    .filter((change) => change.after !== null)
  if (options.dryRun) {
    if (await findSystem(store, system.id)) throw exists()
    return {system, changes, changeSetId: null, dryRun: true}
  }
  const written = await addSystemLogged(store, system, {
    actor: options.actor,
    command: `kasumi inventory add --id ${system.id}`,
    fieldLabel: systemFieldHeader,
    summary: `added ${system.id} ${system.name}`,
  })
  if ('exists' in written) throw exists()
  return {system, changes, changeSetId: written.changeSetId, dryRun: false}
}

/** Parses `field=value` assignments, naming any unknown field. */
export function parseAssignments(assignments: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {}
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=')
    if (equals <= 0)
      throw new UsageError(`--set takes field=value, not ${JSON.stringify(assignment)}`, {
        suggestion: 'e.g. --set status=migrating --set utilisation_pct=35.5',
      })
    const name = assignment.slice(0, equals).trim()
    const field = findSystemField(name)
    if (!field)
      throw new UsageError(`unknown field ${JSON.stringify(name)}`, {suggestion: `fields: ${SYSTEM_FIELDS.map((f) => f.header).join(', ')}`})
    if (field === 'id') throw new UsageError('a system id cannot be changed', {suggestion: 'add a system with the new id and retire the old one'})
    values[field] = assignment.slice(equals + 1)
  }
  return values
}

/**
 * Sets fields of a system, checked with the rules of an import. The stored
 * system is read and written in one write transaction, so that concurrent
 * changes of other fields are kept; only changed fields are written and logged.
 */
export async function updateSystemFields(
  store: Store,
  id: string,
  values: Record<string, string>,
  options: {actor: string; dryRun?: boolean; kind?: 'update' | 'retire'; command: string},
): Promise<EditResult> {
  const ministries = await listMinistries(store)
  const kind = options.kind ?? 'update'
  const result = await changeSystemLogged(store, id, (stored) => buildSystem(ministries, {...systemCells(stored), ...values}, `${id}`, null), {
    actor: options.actor,
    command: options.command,
    kind,
    dryRun: options.dryRun,
    fieldLabel: systemFieldHeader,
    summary: (fields) => `${kind === 'retire' ? 'retired' : 'updated'} ${id}: ${fields.join(', ')}`,
  })
  if (!result) throw new NotFoundError(`no system with id ${id}`, {suggestion: 'see `kasumi inventory list`'})
  return {system: result.after, changes: result.changes, changeSetId: result.changeSetId, dryRun: Boolean(options.dryRun)}
}
