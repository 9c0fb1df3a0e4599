import type { Kysely } from 'kysely';

/**
 * MQTT logins: each device's latest connection writes a random token, which its end and the
 * listeners' revalidation compare (a time in ms could be shared by two connects). Indexed because
 * each revalidation looks the connections a node holds up by their tokens.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['iot_devices', 'iotcloud_devices']) {
    await db.schema.alterTable(table).addColumn('mqtt_login', 'text').execute();
    await db.schema.createIndex(`${table}_mqtt_login`).on(table).column('mqtt_login').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['iot_devices', 'iotcloud_devices']) {
    await db.schema.dropIndex(`${table}_mqtt_login`).execute();
    await db.schema.alterTable(table).dropColumn('mqtt_login').execute();
  }
}
