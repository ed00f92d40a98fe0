/**
 * PostgreSQL for tests: when FRONTLINE_DATABASE_URL is a postgres:// URL (CI starts one with
 * scripts/pg-up.sh), `freshPgUrl()` creates an empty schema in that database and returns a URL whose
 * connections use it (search_path = the schema, then public where PostGIS lives), plus a `drop()`.
 * `pgUrl` is null when no PostgreSQL is configured: PostgreSQL tests then skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const env = process.env.FRONTLINE_DATABASE_URL;
export const pgUrl: string | null = env && /^postgres(ql)?:\/\//i.test(env) ? env : null;

export async function freshPgUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!pgUrl) throw new Error('FRONTLINE_DATABASE_URL is not set to a postgres:// URL');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS postgis');
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const sep = pgUrl.includes('?') ? '&' : '?';
  const url = `${pgUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema},public`)}`;
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
