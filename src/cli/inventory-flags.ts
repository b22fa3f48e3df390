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
export const ENTITIES = ['system', 'facility', 'procedure', 'document', 'life-event'] as const
export type Entity = (typeof ENTITIES)[number]
/** The citizens' side of the register. */
export type ServiceEntityFlag = Extract<Entity, 'procedure' | 'document' | 'life-event'>

export const entityFlag = {
  entity: Flags.string({
    description:
      "What the command is about: systems (the default), facilities (data centres, server rooms, cloud regions), or the citizens' side: procedures, documents, life events.",
    options: [...ENTITIES],
    default: 'system',
  }),
}
