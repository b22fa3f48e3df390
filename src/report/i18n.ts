import type {Lang} from '../domain/lang.js'

/** Headings, column names and chart titles in English, Japanese and Traditional Chinese. Data (ministry and system names) is never translated. */
const LABELS = {
  reportTitle: {en: 'Consolidation estimate', ja: '統合効果の試算', 'zh-TW': '整合效果試算'},
  referenceTitle: {en: 'Reference table', ja: '参照表', 'zh-TW': '參考表'},
  summary: {en: 'Summary', ja: '概要', 'zh-TW': '摘要'},
  effects: {en: 'Optimization effects', ja: '最適化の効果', 'zh-TW': '整合後的效果'},
  cashFlow: {en: 'Yearly cash flow', ja: '年度別キャッシュフロー', 'zh-TW': '年度現金流量'},
  byMinistry: {en: 'By ministry', ja: '府省別', 'zh-TW': '各部會'},
  byMeasure: {en: 'By measure', ja: '施策別', 'zh-TW': '各措施'},
  byArea: {en: 'By business area', ja: '業務分野別', 'zh-TW': '各業務領域'},
  jointUse: {en: 'Joint-use effects', ja: '共同利用の効果', 'zh-TW': '共同利用化的效果'},
  uncertainty: {en: 'Uncertainty', ja: '不確実性', 'zh-TW': '不確定性'},
  assumptions: {en: 'Assumptions register', ja: '前提条件一覧', 'zh-TW': '假設清單'},
  method: {en: 'Method notes', ja: '算定方法', 'zh-TW': '計算方法說明'},
  provenance: {en: 'Provenance', ja: '出典・来歴', 'zh-TW': '資料來源與履歷'},
  benchmark: {en: 'Benchmark', ja: 'ベンチマーク', 'zh-TW': '標竿比較'},
  year: {en: 'Fiscal year', ja: '年度', 'zh-TW': '年度'},
  ministry: {en: 'Ministry', ja: '府省', 'zh-TW': '部會'},
  leadMinistry: {en: 'Lead ministry', ja: '担当府省', 'zh-TW': '負責單位'},
  area: {en: 'Business / system', ja: '業務・システム名', 'zh-TW': '業務‧作業系統名稱'},
  measure: {en: 'Measure', ja: '施策', 'zh-TW': '措施'},
  baseline: {en: 'Baseline', ja: 'ベースライン', 'zh-TW': '基準'},
  scenario: {en: 'Scenario', ja: 'シナリオ', 'zh-TW': '情境'},
  savings: {en: 'Savings', ja: '削減額', 'zh-TW': '削減經費'},
  avoidance: {en: 'Cost avoidance', ja: '回避費用', 'zh-TW': '避免支出'},
  oneTime: {en: 'One-time costs', ja: '一時経費', 'zh-TW': '一次性經費'},
  net: {en: 'Net', ja: '純効果', 'zh-TW': '淨效益'},
  cumulative: {en: 'Cumulative net', ja: '累積純効果', 'zh-TW': '累積淨效益'},
  runRate: {en: 'Run-rate savings', ja: '平年度削減額', 'zh-TW': '全面實施後年削減額'},
  costReduction: {en: 'Cost reduction (estimate)', ja: '削減経費（試算）', 'zh-TW': '削減經費（試算）'},
  hoursReduction: {en: 'Processing-time reduction (estimate)', ja: '業務処理時間削減（試算）', 'zh-TW': '業務處理時間削減成果（試算）'},
  hoursSaved: {en: 'Hours saved / year', ja: '削減時間／年', 'zh-TW': '削減時間／年'},
  fte: {en: 'FTE', ja: '人年', 'zh-TW': '人年'},
  npv: {en: 'Net present value', ja: '正味現在価値', 'zh-TW': '淨現值'},
  payback: {en: 'Payback year', ja: '回収年度', 'zh-TW': '回收年度'},
  before: {en: 'Before', ja: '実施前', 'zh-TW': '實施前'},
  after: {en: 'After', ja: '実施後', 'zh-TW': '實施後'},
  reduction: {en: 'Reduction', ja: '削減経費', 'zh-TW': '削減經費'},
  total: {en: 'Total', ja: '合計', 'zh-TW': '合計'},
  thousandYen: {en: 'thousand yen', ja: '千円', 'zh-TW': '千元（日幣）'},
  hours: {en: 'hours', ja: '時間', 'zh-TW': '時間'},
  value: {en: 'Value', ja: '値', 'zh-TW': '數值'},
  source: {en: 'Source', ja: '出典', 'zh-TW': '來源'},
  owner: {en: 'Owner', ja: '担当', 'zh-TW': '負責人'},
  date: {en: 'Date', ja: '日付', 'zh-TW': '日期'},
  description: {en: 'Description', ja: '説明', 'zh-TW': '說明'},
  parameter: {en: 'Parameter', ja: 'パラメータ', 'zh-TW': '參數'},
  chartSavingsByMinistry: {en: 'Savings by ministry', ja: '府省別削減額', 'zh-TW': '各部會削減經費'},
  chartSavingsByMeasure: {en: 'Savings by measure and year', ja: '施策別・年度別削減額', 'zh-TW': '各措施年度削減經費'},
  chartCumulative: {en: 'Cumulative net cash flow', ja: '累積純キャッシュフロー', 'zh-TW': '累積淨現金流量'},
  chartHoursByArea: {en: 'Processing hours saved by business area', ja: '業務分野別削減時間', 'zh-TW': '各業務領域削減時間'},
  chartRunRate: {en: 'Run-rate before and after, by ministry', ja: '府省別の実施前後の経費', 'zh-TW': '各部會實施前後經費'},
  chartNpvDistribution: {en: 'Distribution of NPV (Monte Carlo)', ja: 'NPVの分布（モンテカルロ）', 'zh-TW': '淨現值分布（蒙地卡羅）'},
  chartTornado: {en: 'Sensitivity of NPV (tornado)', ja: 'NPVの感度（トルネード）', 'zh-TW': '淨現值敏感度（龍捲風圖）'},
  chartReferenceByMinistry: {en: 'Cost reduction by lead ministry', ja: '担当府省別削減経費', 'zh-TW': '各負責單位削減經費'},
  chartReferenceHoursByArea: {en: 'Processing-time reduction by business', ja: '業務別業務処理時間削減', 'zh-TW': '各業務處理時間削減'},
} as const satisfies Record<string, Record<Lang, string>>

export type LabelKey = keyof typeof LABELS

export function label(key: LabelKey, lang: Lang): string {
  return LABELS[key][lang]
}

/** A translator bound to one language. */
export function translator(lang: Lang): (key: LabelKey) => string {
  return (key) => LABELS[key][lang]
}

export {LABELS}
