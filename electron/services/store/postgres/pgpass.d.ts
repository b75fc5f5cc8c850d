/** libpq's password file lookup (PGPASSFILE, %APPDATA%\postgresql\pgpass.conf, ~/.pgpass). */
declare module 'pgpass' {
  function pgpass(connInfo: { host?: string; port?: number; database?: string; user?: string }, callback: (password: string | undefined) => void): void;
  export default pgpass;
}
