import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPostgresUrl, parsePgLocation, redact } from '../../electron/services/store/postgres/location';
import { toNumberedPlaceholders } from '../../electron/services/store/postgres/pg-connection';

describe('shared project URLs', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('tells a URL from a file path, a Windows path with Chinese and spaces included', () => {
    expect(isPostgresUrl('postgresql://db.bureau/gis?schema=xiaxian')).toBe(true);
    expect(isPostgresUrl('postgres://db/gis?schema=x')).toBe(true);
    expect(isPostgresUrl('C:\\Users\\张三\\报件 2026\\夏县.gpkg')).toBe(false);
    expect(isPostgresUrl('postgresql.gpkg')).toBe(false);
  });

  it('reads host, port, database, login and schema; a socket directory as ?host=', () => {
    const a = parsePgLocation('postgresql://reviewer@10.1.2.3:5433/landgate?schema=xiaxian&sslmode=require');
    expect(a.schema).toBe('xiaxian');
    expect(a.config).toMatchObject({ host: '10.1.2.3', port: 5433, database: 'landgate', user: 'reviewer' });
    expect(a.config.ssl).toBeTruthy();
    const b = parsePgLocation('postgresql://postgres@/gis?host=%2Ftmp%2Fpg%20dir&port=45000&schema=qinxian');
    expect(b.config).toMatchObject({ host: '/tmp/pg dir', port: 45000, database: 'gis', user: 'postgres' });
  });

  it('takes the login from PGUSER when the URL names none', () => {
    process.env.PGUSER = 'lisi';
    expect(parsePgLocation('postgresql://db/gis?schema=x').config.user).toBe('lisi');
  });

  it('reads a connection service from PGSERVICEFILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-service-'));
    try {
      writeFileSync(join(dir, 'pg_service.conf'), '# 夏县自然资源局\n[bureau]\nhost=db.xiaxian.local\nport=5544\ndbname=landgate\nuser=wangwu\nsslmode=verify-full\n');
      process.env.PGSERVICEFILE = join(dir, 'pg_service.conf');
      const location = parsePgLocation('postgresql:///?service=bureau&schema=xiaxian');
      expect(location.config).toMatchObject({ host: 'db.xiaxian.local', port: 5544, database: 'landgate', user: 'wangwu', ssl: { rejectUnauthorized: true } });
      expect(() => parsePgLocation('postgresql:///?service=absent&schema=xiaxian')).toThrow(expect.objectContaining({ code: 'project.bad-url', messageZh: expect.stringContaining('absent') }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing or unsafe schema name in Chinese', () => {
    expect(() => parsePgLocation('postgresql://db/gis')).toThrow(expect.objectContaining({ code: 'project.bad-url', messageZh: expect.stringContaining('schema') }));
    expect(() => parsePgLocation('postgresql://db/gis?schema=x;drop')).toThrow(expect.objectContaining({ code: 'project.bad-url' }));
  });

  it('never shows a password', () => {
    expect(redact('postgresql://u:p%40ss@db/gis?schema=x')).toBe('postgresql://u:***@db/gis?schema=x');
    expect(redact('postgresql://u@db/gis?schema=x&password=secret')).toBe('postgresql://u@db/gis?schema=x&password=***');
  });
});

describe('placeholders for PostgreSQL', () => {
  it('numbers ? outside literals, quoted names and comments', () => {
    expect(toNumberedPlaceholders(`SELECT "a?b", 'it''s ?' FROM t WHERE x = ? AND y IN (?, ?) -- why?\nAND z = ?`)).toBe(
      `SELECT "a?b", 'it''s ?' FROM t WHERE x = $1 AND y IN ($2, $3) -- why?\nAND z = $4`,
    );
  });
});
