/** The part of a stream a progress line writes to. */
export interface ProgressStream {
  write(text: string): unknown
}

/**
 * One line of progress, redrawn in place (`\r`, erase line). When it is not
 * active (the stream is not a terminal, or --json is on) it writes nothing.
 */
export interface ProgressLine {
  readonly active: boolean
  /** Redraws the line with this text. */
  show(text: string): void
  /** Redraws the line as a bar of `done` of `total`, at most ten times a second (and always at the end). */
  bar(done: number, total: number, what: string): void
  /** Erases the line, if anything was drawn. */
  clear(): void
}

const ERASE = '\r\u001B[2K'
const BAR_WIDTH = 30
const REDRAW_MS = 100

export function progressLine(stream: ProgressStream, active: boolean, now: () => number = Date.now): ProgressLine {
  let drawn = false
  let last = Number.NEGATIVE_INFINITY
  const show = (text: string) => {
    if (!active) return
    stream.write(`${ERASE}${text}`)
    drawn = true
  }
  return {
    active,
    show,
    bar(done, total, what) {
      if (!active || total <= 0) return
      const time = now()
      if (done < total && time - last < REDRAW_MS) return
      last = time
      const filled = Math.floor((Math.min(done, total) * BAR_WIDTH) / total)
      show(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor((done * 100) / total)}% ${done}/${total} ${what}`)
    },
    clear() {
      if (!drawn) return
      stream.write(ERASE)
      drawn = false
    },
  }
}
