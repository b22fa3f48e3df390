#!/usr/bin/env node
/**
 * Writes a deterministic, clearly SYNTHETIC sample register:
 *
 *   DIR/systems.csv    one row per system
 *   DIR/costs.csv      cost lines (whole yen, JPY)
 *   DIR/metadata.json  what the files are and how they were made
 *
 * System names follow the systems named in Japan's 2009 optimisation plan
 * (最適化計画, 87 fields) and the 2009 survey of government systems; every
 * figure is invented. The same options always give byte-identical files.
 *
 * Usage:
 *   node scripts/generate-samples.js [--systems N] [--years A-B] [--cost-lines N] [--seed S] [--out DIR]
 *
 * Only Node built-ins; amounts are computed in whole thousands of yen with
 * integer arithmetic, so no binary-float artefacts reach the output.
 */
import {once} from 'node:events'
import {createWriteStream} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {finished} from 'node:stream/promises'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const DEFAULTS = {systems: 200, years: /** @type {[number, number]} */ ([2006, 2012]), seed: 20090831, out: join(PACKAGE_ROOT, 'data', 'samples')}

const USAGE = `Usage: node scripts/generate-samples.js [options]

Writes a synthetic sample register (systems.csv, costs.csv, metadata.json).

Options:
  --systems N      number of systems (default ${DEFAULTS.systems})
  --years A-B      fiscal years of the cost lines (default ${DEFAULTS.years.join('-')})
  --cost-lines N   write exactly N cost lines, cycling over systems and years
                   (for benchmarks; default: every year of every system)
  --seed S         integer seed (default ${DEFAULTS.seed})
  --out DIR        output folder (default data/samples)
  -h, --help       show this help

Examples:
  node scripts/generate-samples.js
  node scripts/generate-samples.js --systems 100000 --cost-lines 1000000 --out /tmp/kasumi-big`

/* ---------------------------------------------------------------------------
 * Seeded randomness
 * ------------------------------------------------------------------------ */

/** MurmurHash3's 32-bit finaliser. */
function fmix32(h) {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Hashes a key made of unsigned 32-bit integers and strings. */
function hash32(parts) {
  let h = 0x811c9dc5
  for (const part of parts) {
    if (typeof part === 'string') {
      for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193)
      h = Math.imul(h ^ 0xff, 0x01000193) // terminator, so ('ab','c') differs from ('a','bc')
    } else {
      h = Math.imul(h ^ (part >>> 0), 0x01000193)
    }
    h = fmix32(h)
  }
  return h
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator). Every draw is
 * integer arithmetic; floats are only formed as u32 / 2^32, which is exact.
 */
class Random {
  constructor(a, b, c, d) {
    this.a = a | 0
    this.b = b | 0
    this.c = c | 0
    this.d = d | 0
    for (let i = 0; i < 12; i++) this.u32()
  }

  /** An independent stream for `seed` and a key such as ['system', 'mic', 12]. */
  static for(seed, ...key) {
    const lo = seed % 0x100000000
    const hi = Math.floor(seed / 0x100000000)
    const base = [lo, hi, ...key]
    return new Random(hash32([...base, 1]), hash32([...base, 2]), hash32([...base, 3]), hash32([...base, 4]))
  }

  u32() {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  float() {
    return this.u32() / 0x100000000
  }

  /** Uniform integer in [min, max]. */
  int(min, max) {
    return min + Math.floor(this.float() * (max - min + 1))
  }

  /** Integer in [min, max], skewed towards min (u^power, power 2 or 3; no Math.pow). */
  skewed(min, max, power = 2) {
    const u = this.float()
    const v = power === 3 ? u * u * u : u * u
    return min + Math.floor(v * (max - min + 1))
  }

  chance(p) {
    return this.float() < p
  }

  pick(list) {
    return list[Math.floor(this.float() * list.length)]
  }

  shuffle(list) {
    const copy = [...list]
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1))
      ;[copy[i], copy[j]] = [copy[j], copy[i]]
    }
    return copy
  }
}

/* ---------------------------------------------------------------------------
 * Integer helpers
 * ------------------------------------------------------------------------ */

/** round(a / b) for non-negative integers a and b > 0 (half up). */
function divRound(a, b) {
  return Math.floor((a + Math.floor(b / 2)) / b)
}

/** A non-negative integer count of tenths as a one-decimal string: 123 → "12.3". */
function tenths(value) {
  return `${Math.floor(value / 10)}.${value % 10}`
}

/** An amount held in whole thousands of yen, printed in yen without separators. */
function yen(thousands) {
  return thousands === 0 ? '0' : `${thousands}000`
}

/** RFC 4180: quote only a field that holds a comma, a quote or a line break. */
function csvField(value) {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/* ---------------------------------------------------------------------------
 * Reference tables
 * ------------------------------------------------------------------------ */

/**
 * Ministries in display order. `weight` sets each ministry's share of the
 * e-application and small-scale systems; `staff` (approximate head count of
 * LAN users, invented) scales the LAN. LAN names follow the 2009 table.
 */
const MINISTRIES = [
  {code: 'cas', ja: '内閣官房', weight: 3, staff: 900, lan: '内閣官房LAN'},
  {code: 'clb', ja: '内閣法制局', weight: 1, staff: 80, lan: '内閣法制局情報ネットワーク'},
  {code: 'npa', ja: '人事院', weight: 2, staff: 650, lan: '人事院ネットワーク'},
  {code: 'cao', ja: '内閣府', weight: 5, staff: 2300, lan: '内閣府LAN'},
  {code: 'iha', ja: '宮内庁', weight: 2, staff: 1000, lan: '宮内庁情報ネットワーク'},
  {code: 'jftc', ja: '公正取引委員会', weight: 2, staff: 800, lan: '公正取引委員会ネットワーク'},
  {code: 'police', ja: '警察庁', weight: 10, staff: 7700, lan: '警察庁ネットワーク'},
  {code: 'fsa', ja: '金融庁', weight: 3, staff: 1500, lan: '金融庁ネットワーク'},
  {code: 'mic', ja: '総務省', weight: 10, staff: 4900, lan: '総務省LAN'},
  {code: 'moj', ja: '法務省', weight: 6, staff: 52000, lan: '法務省情報ネットワーク'},
  {code: 'mofa', ja: '外務省', weight: 5, staff: 5700, lan: '外務省情報ネットワーク'},
  {code: 'mof', ja: '財務省', weight: 10, staff: 71000, lan: '財務省情報ネットワーク'},
  {code: 'mext', ja: '文部科学省', weight: 5, staff: 2200, lan: '文部科学省情報ネットワーク'},
  {code: 'mhlw', ja: '厚生労働省', weight: 10, staff: 32000, lan: '厚生労働省情報ネットワーク'},
  {code: 'maff', ja: '農林水産省', weight: 10, staff: 21000, lan: '農林水産省情報ネットワーク'},
  {code: 'meti', ja: '経済産業省', weight: 10, staff: 8000, lan: '経済産業省情報ネットワーク'},
  {code: 'mlit', ja: '国土交通省', weight: 10, staff: 58000, lan: '国土交通省ネットワーク'},
  {code: 'moe', ja: '環境省', weight: 4, staff: 1500, lan: '環境省ネットワーク'},
  {code: 'mod', ja: '防衛省', weight: 10, staff: 22000, lan: '防衛省OAネットワーク'},
]

/** Tags, in the order they are written. */
const TAGS = ['gima', 'wan', '24x7', 'personal-data', 'public-facing', 'classified', 'dedicated-line']

/**
 * Cross-ministry (府省共通) systems at their lead ministry, in priority order:
 * with fewer common systems than entries, the first ones are used; with more,
 * the list repeats with （その2）, （その3）… Sizes are [min, max] ranges.
 */
const COMMON_SYSTEMS = [
  {
    name: '霞が関WAN',
    ministry: 'mic',
    area: '共通システム（霞が関WAN）',
    servers: [40, 120],
    users: 300000,
    hours: [50000, 150000],
    tags: ['wan', '24x7'],
  },
  {
    name: '政府認証基盤（GPKI）',
    ministry: 'mic',
    area: '共通システム（政府認証）',
    servers: [30, 80],
    users: 120000,
    hours: [20000, 80000],
    tags: ['24x7', 'public-facing'],
  },
  {
    name: '電子政府の総合窓口（e-Gov）',
    ministry: 'mic',
    area: '行政情報の電子的提供業務',
    servers: [40, 150],
    users: 1000000,
    hours: [100000, 300000],
    tags: ['24x7', 'public-facing'],
  },
  {
    name: '一元的な文書管理システム',
    ministry: 'mic',
    area: '文書管理業務',
    servers: [60, 200],
    users: 250000,
    hours: [300000, 700000],
    tags: ['gima', 'wan'],
  },
  {
    name: '人事・給与関係業務情報システム',
    ministry: 'npa',
    area: '人事・給与等業務',
    servers: [80, 200],
    users: 300000,
    hours: [400000, 900000],
    tags: ['gima', 'wan', 'personal-data'],
  },
  {
    name: '職員等利用者認証システム（GIMA）',
    ministry: 'mic',
    area: '職員等利用者認証業務',
    servers: [20, 60],
    users: 300000,
    hours: [20000, 60000],
    tags: ['gima', 'wan', '24x7', 'personal-data'],
  },
  {name: '予算・決算業務システム', ministry: 'mof', area: '予算・決算業務', servers: [50, 150], users: 30000, hours: [100000, 300000], tags: ['wan']},
  {
    name: '国有財産総合情報管理システム',
    ministry: 'mof',
    area: '国有財産関係業務',
    servers: [20, 80],
    users: 15000,
    hours: [200000, 600000],
    tags: ['wan'],
  },
  {
    name: '官庁会計システム（ADAMS II）',
    ministry: 'mof',
    area: '官庁会計業務',
    servers: [80, 200],
    users: 60000,
    hours: [300000, 800000],
    tags: ['wan'],
  },
  {
    name: '旅費等内部管理業務共通システム',
    ministry: 'meti',
    area: '旅費業務',
    servers: [20, 80],
    users: 300000,
    hours: [200000, 600000],
    tags: ['gima', 'wan'],
  },
  {name: '物品管理システム', ministry: 'meti', area: '物品管理業務', servers: [20, 60], users: 100000, hours: [50000, 200000], tags: ['gima', 'wan']},
  {
    name: '研究開発管理システム（e-Rad）',
    ministry: 'mext',
    area: '研究開発管理業務',
    servers: [20, 80],
    users: 200000,
    hours: [100000, 300000],
    tags: ['public-facing'],
  },
  {
    name: '公共事業支援システム',
    ministry: 'mlit',
    area: '公共事業支援システム',
    servers: [40, 160],
    users: 60000,
    hours: [20000, 100000],
    tags: ['wan'],
  },
  {
    name: '統計調査等業務システム',
    ministry: 'mic',
    area: '統計調査等業務',
    servers: [40, 150],
    users: 50000,
    hours: [300000, 900000],
    tags: ['public-facing'],
  },
  {name: '災害管理システム', ministry: 'cao', area: '災害管理業務', servers: [20, 60], users: 5000, hours: [5000, 20000], tags: ['24x7']},
  {
    name: '輸出入・港湾関連情報処理システム（NACCS）',
    ministry: 'mof',
    area: '輸出入及び港湾・空港手続関係業務',
    servers: [100, 200],
    users: 100000,
    hours: [300000, 900000],
    tags: ['24x7', 'public-facing', 'dedicated-line'],
    mustStay: '専用線が必要',
  },
  {
    name: '謝金・諸手当システム',
    ministry: 'meti',
    area: '謝金・諸手当業務',
    servers: [20, 40],
    users: 300000,
    hours: [50000, 200000],
    tags: ['gima', 'wan', 'personal-data'],
  },
  {name: '電子調達システム', ministry: 'mic', area: '調達業務', servers: [30, 90], users: 80000, hours: [50000, 250000], tags: ['public-facing']},
  {
    name: '汎用受付等システム',
    ministry: 'mic',
    area: '電子申請等受付業務',
    servers: [20, 80],
    users: 500000,
    hours: [20000, 80000],
    tags: ['24x7', 'public-facing'],
  },
  {
    name: '食品輸入届出システム',
    ministry: 'mhlw',
    area: '輸出入及び港湾・空港手続関係業務',
    servers: [20, 60],
    users: 30000,
    hours: [20000, 80000],
    tags: ['public-facing'],
  },
  {
    name: '動植物検疫システム',
    ministry: 'maff',
    area: '輸出入及び港湾・空港手続関係業務',
    servers: [20, 50],
    users: 20000,
    hours: [20000, 60000],
    tags: ['public-facing'],
  },
  {
    name: '港湾手続システム',
    ministry: 'mlit',
    area: '輸出入及び港湾・空港手続関係業務',
    servers: [20, 50],
    users: 20000,
    hours: [10000, 40000],
    tags: ['public-facing'],
  },
  {
    name: '貿易管理システム',
    ministry: 'meti',
    area: '輸出入及び港湾・空港手続関係業務',
    servers: [20, 50],
    users: 15000,
    hours: [20000, 60000],
    tags: ['public-facing'],
  },
]

/** Each ministry's e-application back offices; the generic ones follow. */
const E_APPLICATION_NAMES = {
  npa: ['人事院電子申請システム', '国家公務員採用試験インターネット申込システム'],
  iha: ['宮内庁電子申請システム', '宮内庁参観インターネット申込システム'],
  fsa: ['金融庁電子申請・届出システム', '有価証券報告書等電子開示システム（EDINET）'],
  mic: ['電波利用電子申請・届出システム', '総務省電子申請システム'],
  moj: ['登記・供託オンライン申請システム', '法務省電子申請システム'],
  mofa: ['外務省電子申請システム', '在留届電子届出システム'],
  mof: ['財務省電子申請システム', '国税電子申告・納税システム（e-Tax）'],
  mhlw: ['厚生労働省電子申請・届出システム'],
  meti: ['経済産業省汎用電子申請システム'],
  mlit: ['国土交通省オンライン申請システム', '自動車保有関係手続のワンストップサービス（OSS）'],
}
const E_APPLICATION_TEMPLATES = [
  '電子申請システム',
  '電子申請・届出システム',
  'オンライン申請受付システム',
  '届出受付システム',
  '電子申請審査支援システム',
]

const INDIVIDUAL = '個別業務'
const STATISTICS = '統計調査等業務'
const PUBLISHING = '行政情報の電子的提供業務'

/** Small-scale systems particular to a ministry; listed before the generic ones. */
const SMALL_SCALE_NAMES = {
  cas: [['首相官邸ホームページ', PUBLISHING]],
  clb: [
    ['法令審査支援システム', INDIVIDUAL],
    ['法令データ検索システム', PUBLISHING],
  ],
  npa: [
    ['国家公務員試験採点システム', INDIVIDUAL],
    ['給与勧告資料集計システム', STATISTICS],
  ],
  cao: [
    ['経済統計データベース', STATISTICS],
    ['世論調査集計システム', STATISTICS],
    ['政府広報オンライン', PUBLISHING],
  ],
  iha: [
    ['宮内庁ホームページ', PUBLISHING],
    ['書陵部所蔵資料目録システム', INDIVIDUAL],
  ],
  jftc: [
    ['審査事件管理システム', INDIVIDUAL],
    ['下請取引調査集計システム', STATISTICS],
  ],
  police: [
    ['運転免許統計システム', STATISTICS],
    ['遺失物情報管理システム', INDIVIDUAL],
  ],
  fsa: [
    ['検査情報管理システム', INDIVIDUAL],
    ['金融機関情報データベース', INDIVIDUAL],
  ],
  mic: [
    ['モバイル端末用行政情報システム（STARS）', INDIVIDUAL],
    ['国民の声対応システム', INDIVIDUAL],
    ['行政相談受付システム', INDIVIDUAL],
    ['電波監視データ集計システム', STATISTICS],
  ],
  moj: [
    ['登記統計集計システム', STATISTICS],
    ['矯正施設業務支援システム', INDIVIDUAL],
  ],
  mofa: [
    ['在外公館連絡システム', INDIVIDUAL],
    ['外交史料館目録システム', PUBLISHING],
  ],
  mof: [
    ['関税統計データベース', STATISTICS],
    ['国債発行情報システム', INDIVIDUAL],
    ['財務局業務支援システム', INDIVIDUAL],
  ],
  mext: [
    ['学校基本調査集計システム', STATISTICS],
    ['科学技術情報データベース', PUBLISHING],
    ['文化財情報システム', PUBLISHING],
  ],
  mhlw: [
    ['医薬品副作用情報システム', INDIVIDUAL],
    ['職業安定業務統計システム', STATISTICS],
    ['人口動態統計集計システム', STATISTICS],
  ],
  maff: [
    ['農林水産統計データベース', STATISTICS],
    ['病害虫発生予察情報システム', PUBLISHING],
    ['食品表示監視システム', INDIVIDUAL],
  ],
  meti: [
    ['工業統計調査集計システム', STATISTICS],
    ['中小企業支援情報システム', PUBLISHING],
  ],
  mlit: [
    ['道路交通センサス集計システム', STATISTICS],
    ['河川情報システム', PUBLISHING],
    ['建設工事統計システム', STATISTICS],
  ],
  moe: [
    ['大気汚染物質広域監視システム（そらまめ君）', PUBLISHING],
    ['環境影響評価情報システム', PUBLISHING],
    ['化学物質排出移動量届出集計システム（PRTR）', STATISTICS],
  ],
  mod: [
    ['装備品調達情報システム', INDIVIDUAL],
    ['防衛白書ウェブサイト', PUBLISHING],
  ],
}

/** Small-scale systems any ministry may run (shuffled per ministry). */
const GENERIC_SMALL_SCALE_NAMES = [
  ['会議室予約システム', INDIVIDUAL],
  ['広報サイト', PUBLISHING],
  ['統計データベース', STATISTICS],
  ['図書管理システム', INDIVIDUAL],
  ['入退館管理システム', INDIVIDUAL],
  ['情報公開請求管理システム', INDIVIDUAL],
  ['審議会資料管理システム', INDIVIDUAL],
  ['公用車管理システム', INDIVIDUAL],
  ['研修管理システム', INDIVIDUAL],
  ['職員名簿管理システム', INDIVIDUAL],
  ['報道発表管理システム', PUBLISHING],
  ['メールマガジン配信システム', PUBLISHING],
  ['パブリックコメント受付システム', PUBLISHING],
  ['補助金交付管理システム', INDIVIDUAL],
  ['契約管理システム', INDIVIDUAL],
  ['安否確認システム', INDIVIDUAL],
  ['ヘルプデスク管理システム', INDIVIDUAL],
  ['IT資産管理システム', INDIVIDUAL],
  ['国会答弁作成支援システム', INDIVIDUAL],
  ['許認可事務処理システム', INDIVIDUAL],
  ['業務アンケート集計システム', STATISTICS],
  ['地理情報システム', PUBLISHING],
  ['統計分析システム', STATISTICS],
  ['電子掲示板システム', INDIVIDUAL],
]

/** Reasons a system must stay off the common platform, with the tag each implies. */
const MUST_STAY_REASONS = [
  {reason: '機密情報を扱うため', tag: 'classified'},
  {reason: '専用線が必要', tag: 'dedicated-line'},
  {reason: '24時間365日の即時応答が必要なため', tag: '24x7'},
  {reason: '特殊な専用機器に依存するため', tag: null},
  {reason: '法令により設置場所が限定されるため', tag: null},
]
const SECURITY_MINISTRIES = new Set(['police', 'mod', 'moj', 'mofa'])

const POOLS = ['hardware', 'software', 'outside-services', 'internal-labor', 'facilities-power', 'telecom', 'other']
const [HARDWARE, SOFTWARE, OUTSIDE] = [0, 1, 2]
/** Typical share of each pool in a system's running cost, per mille before jitter. */
const POOL_SHARE = [250, 150, 330, 110, 50, 80, 30]

const NOTE_NEW = '新規開発'
const NOTE_REFRESH = '機器更改'
const NOTE_MIGRATION = '政府共通プラットフォームへの移行'

const SYSTEMS_HEADER =
  'id,ministry,name,category,business_area,status,physical_servers,virtual_hosts,os_instances,utilisation_pct,storage_tb,users,annual_hours,first_fy,last_fy,eligibility,eligibility_reason,tags'
const COSTS_HEADER = 'system_id,fiscal_year,pool,spend_type,frequency,amount,currency,note'

/* ---------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

/** @returns {never} */
function fail(message) {
  process.stderr.write(`generate-samples: ${message}\n\n${USAGE}\n`)
  process.exit(2)
}

function wholeNumber(flag, raw, min, max) {
  if (!/^\d+$/.test(raw)) fail(`${flag} needs a whole number, not "${raw}"`)
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value < min || value > max) fail(`${flag} must be between ${min} and ${max}, not ${raw}`)
  return value
}

function parseOptions(argv) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        systems: {type: 'string'},
        years: {type: 'string'},
        'cost-lines': {type: 'string'},
        seed: {type: 'string'},
        out: {type: 'string'},
        help: {type: 'boolean', short: 'h'},
      },
      strict: true,
      allowPositionals: false,
    })
  } catch (error) {
    fail(error.message)
  }
  const {values} = parsed
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const systems = values.systems === undefined ? DEFAULTS.systems : wholeNumber('--systems', values.systems, 1, 10_000_000)
  let years = DEFAULTS.years
  if (values.years !== undefined) {
    const match = /^(\d{4})-(\d{4})$/.exec(values.years)
    if (!match) fail(`--years needs two four-digit fiscal years, e.g. 2006-2012, not "${values.years}"`)
    years = /** @type {[number, number]} */ ([Number(match[1]), Number(match[2])])
    if (years[0] > years[1]) fail(`--years ${values.years}: the first year comes after the last`)
    if (years[1] - years[0] > 100) fail(`--years ${values.years}: at most 100 years`)
  }
  const costLines = values['cost-lines'] === undefined ? null : wholeNumber('--cost-lines', values['cost-lines'], 0, 1_000_000_000)
  const seed = values.seed === undefined ? DEFAULTS.seed : wholeNumber('--seed', values.seed, 0, Number.MAX_SAFE_INTEGER)
  const out = values.out === undefined ? DEFAULTS.out : resolve(values.out)
  return {systems, years, costLines, seed, out}
}

/* ---------------------------------------------------------------------------
 * Plan: how many systems of each category each ministry gets
 * ------------------------------------------------------------------------ */

/**
 * Splits `count` over the ministries by weight (largest remainder, ties in
 * display order). When there are at least as many as ministries, each gets one
 * first, so every ministry has e.g. its own e-application back office.
 */
function apportion(count) {
  const shares = MINISTRIES.map(() => 0)
  let rest = count
  if (count >= MINISTRIES.length) {
    shares.fill(1)
    rest -= MINISTRIES.length
  }
  const totalWeight = MINISTRIES.reduce((sum, ministry) => sum + ministry.weight, 0)
  const remainders = MINISTRIES.map((ministry, index) => {
    shares[index] += Math.floor((rest * ministry.weight) / totalWeight)
    return {index, remainder: (rest * ministry.weight) % totalWeight}
  })
  let left = count - shares.reduce((sum, share) => sum + share, 0)
  remainders.sort((a, b) => b.remainder - a.remainder || a.index - b.index)
  for (let i = 0; left > 0; i++, left--) shares[remainders[i].index]++
  return shares
}

/**
 * Categories: one LAN per ministry (for the first N ministries when N < 19),
 * about 8% common and 12% e-application systems, the rest small-scale.
 */
function buildPlan(options) {
  const total = options.systems
  const lan = Math.min(total, MINISTRIES.length)
  let rest = total - lan
  const common = Math.min(rest, divRound(total * 8, 100))
  rest -= common
  const eApplication = Math.min(rest, divRound(total * 12, 100))
  const smallScale = rest - eApplication

  /** @type {Map<string, {entry: (typeof COMMON_SYSTEMS)[number], repeat: number}[]>} */
  const commonByMinistry = new Map(MINISTRIES.map((ministry) => [ministry.code, []]))
  for (let k = 0; k < common; k++) {
    const entry = COMMON_SYSTEMS[k % COMMON_SYSTEMS.length]
    commonByMinistry.get(entry.ministry)?.push({entry, repeat: Math.floor(k / COMMON_SYSTEMS.length) + 1})
  }
  const eApplicationShares = apportion(eApplication)
  const smallScaleShares = apportion(smallScale)

  return MINISTRIES.map((ministry, index) => {
    const names = Random.for(options.seed, 'names', ministry.code)
    const smallNames = [...(SMALL_SCALE_NAMES[ministry.code] ?? []), ...names.shuffle(GENERIC_SMALL_SCALE_NAMES)]
    const eNames = [...(E_APPLICATION_NAMES[ministry.code] ?? [])]
    for (const template of E_APPLICATION_TEMPLATES) {
      const name = ministry.ja + template
      if (!eNames.includes(name)) eNames.push(name)
    }
    const commons = commonByMinistry.get(ministry.code) ?? []
    const counts = {lan: index < lan ? 1 : 0, common: commons.length, eApplication: eApplicationShares[index], smallScale: smallScaleShares[index]}
    const size = counts.lan + counts.common + counts.eApplication + counts.smallScale
    return {ministry, commons, smallNames, eNames, counts, width: Math.max(4, String(size).length)}
  })
}

/** The k-th name from a list, repeating as （その2）, （その3）… once the list runs out. */
function numbered(list, k) {
  const item = list[k % list.length]
  const round = Math.floor(k / list.length) + 1
  return {item, suffix: round === 1 ? '' : `（その${round}）`}
}

/* ---------------------------------------------------------------------------
 * Systems
 * ------------------------------------------------------------------------ */

/** Yields every system, ministry by ministry: its LAN, common, e-application, then small-scale systems. */
function* systems(plan, options) {
  for (const entry of plan) {
    let sequence = 0
    const next = (category, description) => {
      sequence++
      const id = `${entry.ministry.code.toUpperCase()}-${String(sequence).padStart(entry.width, '0')}`
      const random = Random.for(options.seed, 'system', id)
      return makeSystem(id, entry.ministry, category, description, random, options.years)
    }
    for (let k = 0; k < entry.counts.lan; k++) {
      yield next('lan', {name: entry.ministry.lan, area: '府省LAN'})
    }
    for (const {entry: common, repeat} of entry.commons) {
      yield next('common', {name: common.name + (repeat === 1 ? '' : `（その${repeat}）`), area: common.area, common})
    }
    for (let k = 0; k < entry.counts.eApplication; k++) {
      const {item, suffix} = numbered(entry.eNames, k)
      yield next('e-application', {name: item + suffix, area: '電子申請等受付業務'})
    }
    for (let k = 0; k < entry.counts.smallScale; k++) {
      const {item, suffix} = numbered(entry.smallNames, k)
      yield next('small-scale', {name: item[0] + suffix, area: item[1]})
    }
  }
}

function makeSystem(id, ministry, category, {name, area, common}, random, [firstYear, lastYear]) {
  const tags = new Set(common?.tags ?? [])

  // Size: servers, users, processing hours and storage (in tenths of a TB).
  let servers, users, hours, storage
  switch (category) {
    case 'lan':
      servers = Math.min(120, 10 + divRound(ministry.staff * random.int(80, 120), 60000))
      users = divRound(ministry.staff * random.int(95, 105), 100)
      hours = divRound(ministry.staff * random.int(5, 20), 10)
      storage = 50 + divRound(ministry.staff * random.int(5, 15), 1000)
      tags.add('wan')
      if (random.chance(0.5)) tags.add('gima')
      if (random.chance(0.3)) tags.add('personal-data')
      break
    case 'common':
      servers = random.int(common.servers[0], common.servers[1])
      users = divRound(common.users * random.int(90, 110), 100)
      hours = random.int(common.hours[0], common.hours[1])
      storage = random.int(100, 3000)
      break
    case 'e-application':
      servers = random.skewed(4, 40)
      users = random.skewed(1000, 50000 * ministry.weight, 3)
      hours = random.skewed(500, 50000)
      storage = random.skewed(10, 300)
      tags.add('public-facing')
      if (random.chance(0.7)) tags.add('personal-data')
      if (random.chance(0.3)) tags.add('24x7')
      break
    default:
      servers = random.skewed(1, 4)
      users = random.skewed(5, 3000, 3)
      hours = random.skewed(100, 5000)
      storage = random.skewed(1, 30)
      if (area === PUBLISHING) tags.add('public-facing')
      if (random.chance(0.15)) tags.add('personal-data')
      if (random.chance(0.2)) tags.add('wan')
      if (random.chance(0.05)) tags.add('24x7')
  }

  // Virtualisation was still rare: a virtual host runs 2–8 guest OSes, every other server one OS.
  const virtualised = random.chance(category === 'small-scale' ? 0.15 : 0.3)
  const virtualHosts = virtualised ? random.skewed(1, servers) : 0
  const osInstances = servers - virtualHosts + virtualHosts * random.int(2, 8)
  const utilisation = virtualised ? random.int(250, 750) : random.skewed(50, 550)

  // Life span: first_fy in [A−11, B−4] (e-application back offices from A−5),
  // last_fy at least first_fy + 4. A system still in service runs to B − 1 or
  // later (up to B + 3), so its next refresh (last_fy + 1) falls in B or after;
  // a migrated or retired one ended before B.
  const statusDraw = random.int(0, 99)
  let status = 'active'
  if (category !== 'lan') {
    const migrateShare = category === 'common' ? 10 : 5
    if (statusDraw < migrateShare) status = 'migrating'
    else if (category !== 'common' && statusDraw < 9) status = 'migrated'
    else if (category !== 'common' && statusDraw < 12) status = 'retired'
  }
  const firstFy = random.int(firstYear - (category === 'e-application' ? 5 : 11), lastYear - 4)
  // A migrated or retired system ended before B; if it cannot have, it is still active.
  if ((status === 'migrated' || status === 'retired') && firstFy + 4 > lastYear - 1) status = 'active'
  let lastFy
  if (status === 'retired') lastFy = random.int(firstFy + 4, lastYear - 1)
  else if (status === 'migrated') lastFy = random.int(Math.max(firstFy + 4, firstYear - 1), lastYear - 1)
  else lastFy = random.int(Math.max(firstFy + 4, lastYear - 1), lastYear + 3)

  // Most systems can move to the common platform; a few must stay.
  let eligibility = 'eligible'
  let reason = ''
  if (common?.mustStay) {
    eligibility = 'must-stay'
    reason = common.mustStay
  } else if (category === 'e-application' || category === 'small-scale') {
    const secure = SECURITY_MINISTRIES.has(ministry.code)
    if (random.chance(secure ? 0.15 : 0.04)) {
      const choice = secure && random.chance(0.6) ? MUST_STAY_REASONS[0] : random.pick(MUST_STAY_REASONS)
      eligibility = 'must-stay'
      reason = choice.reason
      if (choice.tag) tags.add(choice.tag)
    }
  }

  return {
    id,
    ministry: ministry.code,
    name,
    category,
    area,
    status,
    servers,
    virtualHosts,
    osInstances,
    utilisation,
    storage: Math.max(1, storage),
    users,
    hours,
    firstFy,
    lastFy,
    eligibility,
    reason,
    tags: TAGS.filter((tag) => tags.has(tag)),
  }
}

function systemRow(system) {
  return (
    [
      system.id,
      system.ministry,
      csvField(system.name),
      system.category,
      csvField(system.area),
      system.status,
      system.servers,
      system.virtualHosts,
      system.osInstances,
      tenths(system.utilisation),
      tenths(system.storage),
      system.users,
      system.hours,
      system.firstFy,
      system.lastFy,
      system.eligibility,
      csvField(system.reason),
      system.tags.join(';'),
    ].join(',') + '\n'
  )
}

/* ---------------------------------------------------------------------------
 * Cost lines
 * ------------------------------------------------------------------------ */

/** The year after last_fy: hardware refresh (active), move to the platform (migrating, migrated), nothing (retired). */
function followingYearWork(system) {
  if (system.status === 'retired') return null
  return system.status === 'active' ? NOTE_REFRESH : NOTE_MIGRATION
}

/**
 * A system's cost lines in [A, B], in year order, as [year, pool, development, thousands of yen, note]:
 * recurring operations for first_fy…last_fy, one-time development in first_fy,
 * and the refresh or migration in last_fy + 1.
 */
function costLines(system, [firstYear, lastYear], seed) {
  const random = Random.for(seed, 'costs', system.id)
  /** @type {[year: number, pool: number, development: boolean, thousands: number, note: string][]} */
  const lines = []

  // Annual running cost in thousands of yen: per server, per user, plus a fixed part.
  const small = system.category === 'small-scale'
  const perServer = small ? random.int(1000, 2000) : random.int(1800, 3200)
  const [rateLow, rateHigh] = {lan: [5000, 10000], common: [100, 600], 'e-application': [20, 200], 'small-scale': [1000, 4000]}[system.category]
  const perUser = random.int(rateLow, rateHigh) // yen a user a year
  const fixed = small ? random.int(500, 2000) : random.int(2000, 10000)
  const total = system.servers * perServer + divRound(system.users * perUser, 1000) + fixed

  // Which pools the system books, and each one's share (jittered, per mille).
  const wide = system.category === 'lan' || system.category === 'common'
  const networked = wide || system.category === 'e-application'
  const use = [true, true, true, wide || random.chance(0.6), wide || random.chance(0.5), networked || random.chance(0.4), random.chance(0.3)]
  const weights = POOL_SHARE.map((share, pool) => (use[pool] ? share * random.int(70, 130) : 0))
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0)
  const amounts = weights.map((weight) => Math.max(1, divRound(total * weight, weightSum)))

  const developmentFactor = random.int(150, 300) // % of a year's running cost
  const followingFactor = random.int(50, 150)

  const from = Math.max(system.firstFy, firstYear)
  const to = Math.min(system.lastFy, lastYear)
  for (let year = from; year <= to; year++) {
    for (let pool = 0; pool < POOLS.length; pool++) {
      if (!use[pool]) continue
      // Small drift from year to year: ±3%.
      if (year > from) amounts[pool] = Math.max(1, divRound(amounts[pool] * (1000 + random.int(-30, 30)), 1000))
      lines.push([year, pool, false, amounts[pool], ''])
    }
    if (year === system.firstFy) {
      const development = divRound(total * developmentFactor, 100)
      const hardware = divRound(development * 30, 100)
      const software = divRound(development * 20, 100)
      lines.push([year, HARDWARE, true, Math.max(1, hardware), NOTE_NEW])
      lines.push([year, SOFTWARE, true, Math.max(1, software), NOTE_NEW])
      lines.push([year, OUTSIDE, true, Math.max(1, development - hardware - software), NOTE_NEW])
    }
  }

  const following = system.lastFy + 1
  const work = followingYearWork(system)
  if (work !== null && following >= firstYear && following <= lastYear) {
    const amount = divRound(total * followingFactor, 100)
    if (work === NOTE_REFRESH) {
      const hardware = divRound(amount * 70, 100)
      lines.push([following, HARDWARE, true, Math.max(1, hardware), work])
      lines.push([following, SOFTWARE, true, Math.max(1, amount - hardware), work])
    } else {
      lines.push([following, OUTSIDE, true, Math.max(1, amount), work])
    }
  }
  return lines
}

function costRow(systemId, [year, pool, development, thousands, note]) {
  const kind = development ? 'development,one-time' : 'operations,recurring'
  return `${systemId},${year},${POOLS[pool]},${kind},${yen(thousands)},JPY,${note === '' ? '' : csvField(note)}\n`
}

/**
 * For the benchmark: `quota` of a system's own lines, spread evenly over its
 * years. Beyond one full pass (only when more lines are asked for than the
 * register has) the lines repeat, marked in the note.
 */
function* quotaLines(lines, quota) {
  const passes = Math.floor(quota / lines.length)
  for (let pass = 1; pass <= passes; pass++) {
    for (const line of lines) yield pass === 1 ? line : [...line.slice(0, 4), `repeat ${pass}`]
  }
  // The rest from first to last, evenly spaced (distinct, since rest < lines.length).
  const rest = quota % lines.length
  for (let i = 0; i < rest; i++) {
    const line = lines[rest === 1 ? 0 : Math.floor((i * (lines.length - 1)) / (rest - 1))]
    yield passes === 0 ? line : [...line.slice(0, 4), `repeat ${passes + 1}`]
  }
}

/* ---------------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------------ */

/** Collects text into ~64 KiB chunks and writes them, waiting for 'drain' when the stream is full. */
class ChunkedWriter {
  constructor(path) {
    this.stream = createWriteStream(path, {encoding: 'utf8'})
    this.stream.on('error', () => {}) // surfaced by flush() and close()
    this.buffer = ''
  }

  /** Adds text; true when the caller should `await flush()`. */
  push(text) {
    this.buffer += text
    return this.buffer.length >= 65536
  }

  async flush() {
    if (this.buffer === '') return
    const chunk = this.buffer
    this.buffer = ''
    if (!this.stream.write(chunk)) await once(this.stream, 'drain')
  }

  async close() {
    await this.flush()
    this.stream.end()
    await finished(this.stream)
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2))
  await mkdir(options.out, {recursive: true})
  const plan = buildPlan(options)

  // systems.csv; with --cost-lines, also count the register's own cost lines.
  const systemsFile = new ChunkedWriter(join(options.out, 'systems.csv'))
  systemsFile.push(`${SYSTEMS_HEADER}\n`)
  let systemCount = 0
  let naturalLines = 0
  for (const system of systems(plan, options)) {
    systemCount++
    if (options.costLines !== null) naturalLines += costLines(system, options.years, options.seed).length
    if (systemsFile.push(systemRow(system))) await systemsFile.flush()
  }
  await systemsFile.close()

  if (options.costLines !== null && options.costLines > 0 && naturalLines === 0) {
    fail(`no system has a fiscal year in ${options.years.join('-')}, so no cost lines can be written`)
  }

  // costs.csv: every line, or exactly --cost-lines lines shared out over the
  // systems in proportion to their own lines. The share of the system whose
  // lines run from c to c + n in the cumulative count is
  // floor(N·(c + n)/T) − floor(N·c/T): exact in total, at most n while N ≤ T.
  const costsFile = new ChunkedWriter(join(options.out, 'costs.csv'))
  costsFile.push(`${COSTS_HEADER}\n`)
  let lineCount = 0
  const wanted = BigInt(options.costLines ?? 0)
  const total = BigInt(naturalLines)
  let cumulative = 0n
  for (const system of systems(plan, options)) {
    const natural = costLines(system, options.years, options.seed)
    /** @type {Iterable<ReturnType<typeof costLines>[number]>} */
    let lines = natural
    if (options.costLines !== null) {
      if (natural.length === 0) continue
      const before = (wanted * cumulative) / total
      cumulative += BigInt(natural.length)
      const quota = Number((wanted * cumulative) / total - before)
      if (quota === 0) continue
      lines = quotaLines(natural, quota)
    }
    for (const line of lines) {
      lineCount++
      if (costsFile.push(costRow(system.id, line))) await costsFile.flush()
    }
  }
  await costsFile.close()

  // The samples of public layouts (with their bundled mappings) are described in the same file; keep their entries.
  let layouts
  try {
    layouts = JSON.parse(await readFile(join(options.out, 'metadata.json'), 'utf8')).layouts
  } catch {
    layouts = undefined
  }
  const metadata = {
    title: 'kasumi sample register',
    synthetic: true,
    description:
      'Synthetic register for demonstrations and tests; names follow the systems named in the 2009 optimization plan, figures are invented.',
    generator: 'scripts/generate-samples.js',
    seed: options.seed,
    systems: systemCount,
    costLines: lineCount,
    fiscalYears: options.years,
    currency: 'JPY',
    ...(layouts ? {layouts} : {}),
    services: SERVICES_METADATA,
  }
  await writeFile(join(options.out, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`, 'utf8')
  process.stdout.write(`Wrote ${systemCount} systems and ${lineCount} cost lines to ${options.out}\n`)
}

/**
 * The citizens' side of the sample (procedures.csv, documents.csv,
 * life-events.csv) is written by hand, not by this script; its description is
 * kept here so that regenerating the systems keeps it in metadata.json.
 */
const SERVICES_METADATA = {
  synthetic: true,
  files: ['procedures.csv', 'documents.csv', 'life-events.csv'],
  description:
    "Synthetic procedures, documents and life events: moving house (MOVE) and retirement (RETIRE). The procedure and document names are those of real Japanese procedures; cases, minutes, fees, channels and which documents each procedure asks for are invented. Built so that the counts reproduce the seed paper's figure 日常生活必要的大量手續 (reference jp-life-events).",
  reproduces: 'jp-life-events',
  lifeEvents: {
    MOVE: {procedures: 26, agencies: 7, documents: 13},
    RETIRE: {procedures: 10, agencies: 6, documents: 15},
  },
  procedures: 36,
  documents: 24,
}

await main()
