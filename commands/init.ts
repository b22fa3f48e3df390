import {BaseCommand, JSON_FORMAT_VERSION} from '../src/cli/base.js'
import {actorFlag, storeFlags} from '../src/cli/flags.js'
import {bundledMinistries} from '../src/reference/ministries.js'
import {initStore} from '../src/store/init.js'

export default class Init extends BaseCommand {
  static override summary = 'Create a kasumi store, or bring an existing one up to date.'
  static override description = `Creates the SQLite file (default ./kasumi.db) or the tables in a PostgreSQL database, and loads the bundled ministries. On an existing store it changes nothing and says so (pending migrations are applied).`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --database ./planning.db',
    '<%= config.bin %> <%= command.id %> --database postgres://kasumi@db.example.go.jp/kasumi',
  ]

  static override flags = {...storeFlags, ...actorFlag}

  async run() {
    const {flags} = await this.parse(Init)
    const {store, created} = await this.openForInit(flags.database)
    const result = await initStore(store, {created, actor: flags.actor, ministries: created ? await bundledMinistries() : []})
    if (created) this.success(`Created a kasumi store at ${store.location} with ${result.ministries} ministries.`)
    else this.note(`${store.location} is already a kasumi store; nothing to do.`)
    return {formatVersion: JSON_FORMAT_VERSION, database: store.location, dialect: store.dialect, created, ministries: result.ministries}
  }
}
