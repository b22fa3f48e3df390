import type {Renderer} from './types.js'

/**
 * JSON: `report.json`, the data behind the report as its builder gives it (an
 * estimate's versioned contract: exact decimal strings, units named) with the
 * provenance of the report beside it.
 */
export const renderJson: Renderer = async (document) => {
  const data = document.data
  const body =
    data !== null && typeof data === 'object' && !Array.isArray(data)
      ? {...(data as Record<string, unknown>), provenance: document.provenance}
      : {data, provenance: document.provenance}
  return [{path: 'report.json', content: `${JSON.stringify(body, null, 2)}\n`}]
}
