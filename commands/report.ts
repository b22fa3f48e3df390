import {Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../src/cli/base.js'
import {reportOutputFlags, storeFlags} from '../src/cli/flags.js'
import {label} from '../src/report/i18n.js'
import type {Lang} from '../src/domain/lang.js'
import {FORMATS, formatsOf} from '../src/report/render/index.js'
import {commandLine, runReport, type EmbeddedFonts} from '../src/report/run.js'

export default class Report extends BaseCommand {
  static override summary = 'Write a report of an estimate or a reference table: HTML, PDF, Markdown, CSV, XLSX, JSON and PNG charts.'
  static override description = `With --scenario, runs the estimate once (a scenario file, or a bundled scenario by name, on the register in the store) and reports it: summary, optimization effects, yearly cash flow, ministries, measures, business areas, joint use, assumptions and method. With --reference, reports a published reference table such as jp-2009.

The report folder (default reports/out/<name>-<YYYY-MM-DD>/ under the current directory, or --out) is written to a temporary folder beside it and renamed into place when complete, with a .kasumi-output marker file. An existing folder is refused (exit 5); --force replaces it only when it is an earlier kasumi output folder (a report or an audit bundle: it holds the marker, and no file the marker does not list) or an empty folder. Anything else there — a file, a link, a folder of other things such as a project or a home folder — is refused with exit 5 and left as it is.

Formats: html (one self-contained page: the charts, and subsets of the Noto Sans JP and TC fonts, and of DejaVu Sans for signs neither has, holding exactly the characters it shows, so that CJK names read on a machine without CJK fonts; what the fonts add is said on stderr and as fonts in --json; the subsets are kept in kasumi's cache folder, KASUMI_CACHE_DIR or the system's, and an empty KASUMI_CACHE_DIR turns that off), md (with the charts as PNG files), csv (one file per table, money as exact decimals in yen with the unit in the header; UTF-8 with a BOM unless --no-bom), xlsx (one sheet per table, money in thousands as numbers formatted #,##0, plus Assumptions and Provenance sheets), json (the estimate's versioned contract with the provenance), png (the charts) and pdf (the same content as the HTML on A4 pages with the title and date in the header, page numbers, table headers repeated where a table runs over a page, and the fonts embedded as subsets; its dates are the report's time, so the same inputs give the same bytes). Every report records its provenance: the kasumi version, the time, this command line (with any database password replaced by ***) and the SHA-256 and row count of every input.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud',
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud --format csv,xlsx --lang ja --out reports/out/cloud',
    '<%= config.bin %> <%= command.id %> --scenario ./my-scenario.yaml --format json --json',
    '<%= config.bin %> <%= command.id %> --reference jp-2009 --lang zh-TW',
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud --format pdf --lang ja',
  ]

  static override flags = {
    ...storeFlags,
    scenario: Flags.string({char: 'S', description: 'Scenario file, or the name of a bundled scenario.', exactlyOne: ['scenario', 'reference']}),
    reference: Flags.string({
      description: 'A reference table id (see `kasumi reference list`), e.g. jp-2009.',
      exactlyOne: ['scenario', 'reference'],
    }),
    ...reportOutputFlags(FORMATS),
    out: Flags.string({char: 'o', description: 'The report folder (default: reports/out/<name>-<YYYY-MM-DD>/).'}),
    force: Flags.boolean({description: 'Replace the report folder when it is an earlier kasumi output folder or empty.'}),
    template: Flags.string({description: 'A folder with report.html / report.md templates to use instead of the bundled ones.'}),
    bom: Flags.boolean({
      description: 'Start CSV files with a UTF-8 byte order mark (--no-bom for other tools than Excel).',
      default: true,
      allowNo: true,
    }),
  }

  async run() {
    const {flags} = await this.parse(Report)
    const progress = this.progress()
    const outcome = await runReport(
      {
        scenario: flags.scenario,
        reference: flags.reference,
        formats: formatsOf(flags.format),
        out: flags.out,
        lang: flags.lang as Lang,
        force: flags.force,
        templateDir: flags.template,
        bom: flags.bom,
        kasumi: this.config.version,
        command: commandLine(this.config.bin, this.id ?? 'report', this.argv),
        onProgress: (message) => progress.show(message),
      },
      () => this.store(flags.database),
    )
    progress.clear()
    this.warnIssues(outcome.warnings, {compact: true})
    if (outcome.fonts) this.note(describeFonts(outcome.fonts))
    if (!this.jsonEnabled()) {
      const figures = outcome.document.sections.find((section) => section.figures?.length)?.figures ?? []
      const lang = flags.lang as Lang
      if (figures.length > 0)
        this.table({
          title: outcome.document.title,
          head: [label('summary', lang), label('value', lang)],
          rows: figures.map((figure) => [figure.label, figure.value]),
          align: ['left', 'right'],
        })
      this.log(`Wrote ${outcome.files.length} file${outcome.files.length === 1 ? '' : 's'} to ${outcome.folder}:`)
      for (const file of outcome.files) this.log(`  ${file.path}`)
    }
    return {
      formatVersion: JSON_FORMAT_VERSION,
      folder: outcome.folder,
      files: outcome.files,
      totals: outcome.totals,
      ...(outcome.fonts ? {fonts: outcome.fonts} : {}),
    }
  }
}

/** One line on the fonts a report embeds: "report.html embeds font subsets of 1,234,567 bytes: Noto Sans JP (412 characters, 400 and 700) …". */
function describeFonts(fonts: EmbeddedFonts): string {
  const families = new Map<string, {characters: number; weights: number[]}>()
  for (const face of fonts.faces) {
    const family = families.get(face.family) ?? {characters: face.characters, weights: []}
    family.weights.push(face.weight)
    families.set(face.family, family)
  }
  const parts = [...families].map(
    ([name, {characters, weights}]) =>
      `${name} (${characters.toLocaleString('en')} character${characters === 1 ? '' : 's'}, weights ${weights.join(' and ')})`,
  )
  const missing = fonts.missing.length
    ? `; ${fonts.missing.length} character${fonts.missing.length === 1 ? '' : 's'} left to the system fonts (${fonts.missing.join(' ')})`
    : ''
  return `${fonts.file} embeds font subsets adding ${fonts.addedBytes.toLocaleString('en')} bytes: ${parts.join(', ') || 'none'}${missing}`
}
