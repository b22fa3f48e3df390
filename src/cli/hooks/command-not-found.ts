import {Errors, type Hook, toConfiguredId} from '@oclif/core'

import {editDistance} from '../../domain/text-match.js'

/**
 * A mistyped command (`kasumi inventroy list`) gets the closest command as a
 * suggestion and exits 2 (usage). On a terminal, and without --no-input,
 * @oclif/plugin-not-found asks whether to run the suggestion instead.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const argv = options.argv ?? []
  const visible = options.config.commands.filter((command) => !command.hidden)
  const ids = [...visible.map((command) => command.id), ...visible.flatMap((command) => command.aliases)]
  // oclif joins the words it could not place into the id; words after a flag stay in argv.
  const words = [...options.id.split(':'), ...argv.slice(0, takeWords(argv))]
  let best: {id: string; used: number; distance: number} | undefined
  for (let used = 1; used <= Math.min(words.length, 3); used++) {
    const typed = words.slice(0, used).join(':')
    for (const id of ids) {
      const distance = editDistance(typed, id)
      if (!best || distance < best.distance || (distance === best.distance && used > best.used)) best = {id, used, distance}
    }
  }
  const typed = toConfiguredId(words.join(':'), options.config)
  const close = best && best.distance <= Math.max(2, Math.floor(best.id.length / 3)) ? best : undefined
  const interactive = Boolean(process.stdin.isTTY) && !argv.includes('--no-input') && !process.env.CI
  if (close && interactive) {
    const {default: notFound} = await import('@oclif/plugin-not-found')
    const rest = [...options.id.split(':'), ...argv].slice(close.used)
    try {
      // The plugin warns, asks "Did you mean …?" and on yes runs the suggestion with the remaining arguments.
      return await notFound.call(this, {...options, id: words.slice(0, close.used).join(':'), argv: rest})
    } catch (error) {
      // Declined (the plugin exits 127): the usage error below. A suggestion that ran and failed keeps its own error.
      if ((error as {oclif?: {exit?: number}}).oclif?.exit !== 127) throw error
    }
  }
  const bin = options.config.bin
  const question = close ? ` Did you mean "${bin} ${toConfiguredId(close.id, options.config)}"?` : ''
  throw new Errors.CLIError(`${typed} is not a ${bin} command.${question}`, {exit: 2, suggestions: [`run ${bin} --help for the list of commands`]})
}

/** How many leading arguments are words (not flags), as far as a command id could reach. */
function takeWords(argv: string[]): number {
  let count = 0
  while (count < argv.length && count < 2 && /^[a-z][a-z-]*$/i.test(argv[count])) count++
  return count
}

export default hook
