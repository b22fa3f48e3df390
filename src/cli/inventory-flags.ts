import {Flags} from '@oclif/core'

import {CATEGORIES, STATUSES} from '../domain/inventory.js'
import {DISPLAY_UNITS} from '../domain/money.js'

export const filterFlags = {
  ministry: Flags.string({char: 'm', description: 'Only these ministries (code or name; repeat or comma-separate).', multiple: true, delimiter: ','}),
  category: Flags.string({char: 'c', description: 'Only these categories.', options: [...CATEGORIES], multiple: true, delimiter: ','}),
  status: Flags.string({char: 's', description: 'Only systems with these statuses.', options: [...STATUSES], multiple: true, delimiter: ','}),
}

export const unitFlag = {
  unit: Flags.string({
    description: 'Unit for amounts in tables (JSON is always in yen, exact).',
    options: Object.keys(DISPLAY_UNITS),
    default: 'thousand-yen',
  }),
}

export const yearFlag = {
  year: Flags.integer({description: 'Fiscal year for annual costs (default: the latest year with cost lines).'}),
}

/** The entities of the register that `inventory list|show|export|history` cover. */
export const ENTITIES = ['system', 'facility'] as const
export type Entity = (typeof ENTITIES)[number]

export const entityFlag = {
  entity: Flags.string({
    description: 'What the command is about: systems (the default) or facilities (data centres, server rooms, cloud regions).',
    options: [...ENTITIES],
    default: 'system',
  }),
}
