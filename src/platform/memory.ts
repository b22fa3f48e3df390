import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

let collect: (() => void) | undefined

/**
 * Runs a full garbage collection now. V8 collects its old generation only when that has grown past a limit it sets
 * itself, so that a process which has just dropped a large working set (an estimate of 100 000 systems) may keep it
 * resident while it goes on to other work; a command calls this where that happens. The collector is reached as Jest
 * reaches it: the flag that exposes `gc` is set, and a new context made while it is set has `gc` as a global.
 */
export function collectGarbage(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc')
    collect = runInNewContext('gc') as () => void
    // Contexts made from now on go without it, as before.
    setFlagsFromString('--no-expose-gc')
  }
  collect()
}
