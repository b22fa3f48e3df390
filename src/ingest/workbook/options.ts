/** Money units `--unit` names, with their factor in the currency's base unit. */
export const UNIT_FLAG = {yen: 1, thousand: 1000, million: 1_000_000} as const
export type UnitName = keyof typeof UNIT_FLAG

/** How a workbook is read, beside the options every file has. */
export interface WorkbookOptions {
  /** A sheet's name, or its 1-based position. */
  sheet?: string
  /** The money unit of amounts when neither header nor title names one. */
  unit?: UnitName
  /** The month (1–12) fiscal years start in, for dates: 4 (April) in Japan. */
  fiscalYearStart?: number
  /** The ministry of every row, for a file without a ministry column (empty cells of one take it too). */
  ministry?: string
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

/** A month as a number 1–12 from `4`, `april` or `apr`; undefined when it is none. */
export function monthNumber(value: string): number | undefined {
  const text = value.trim().toLowerCase()
  if (/^\d{1,2}$/.test(text)) {
    const month = Number(text)
    return month >= 1 && month <= 12 ? month : undefined
  }
  const index = MONTHS.findIndex((month) => text.length >= 3 && month.startsWith(text))
  return index < 0 ? undefined : index + 1
}
