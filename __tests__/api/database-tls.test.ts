/**
 * The API's MySQL connection over TLS verifies the server: a MariaDB of the test's own, started with
 * a certificate signed by a certificate authority the test makes, is reached only when that CA is
 * trusted (DB_SSL_CA_FILE), and refused with the default trust (the Amazon RDS authorities) or
 * another CA. This is the path the API takes on AWS, where RDS presents a certificate of its CAs.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { MysqlSettings } from '../../api/src/config/config';
import { createKnex } from '../../api/src/db/database';
import { freePort } from '../../scripts/support/free-port';
import { eventually } from '../support/eventually';

const canRun = process.getuid?.() === 0 && ['openssl', 'mariadbd', 'mariadb-install-db'].every(onPath);
if (!canRun) {
  const why = 'database TLS test needs root, openssl and MariaDB (scripts/mariadb.sh installs it)';
  if (process.env.CI === 'true') throw new Error(why);
  console.warn(`SKIPPED: ${why}`);
}
const describeIf = canRun ? describe : describe.skip;

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA and, with `server`, a certificate for 127.0.0.1 signed by it. */
function makeCertificateAuthority(dir: string, name: string, server?: boolean): void {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name} test CA`, '-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`);
  if (!server) return;
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`, '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem');
}

describeIf('MySQL over TLS', () => {
  let dir: string;
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-tls-'));
    makeCertificateAuthority(dir, 'trusted', true);
    makeCertificateAuthority(dir, 'other');
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['-R', 'mysql:mysql', dir]);
    execFileSync('mariadb-install-db', ['--user=mysql', `--datadir=${dir}/data`, '--skip-test-db', '--auth-root-authentication-method=normal'], { stdio: 'ignore' });
    // A port picked beforehand can be taken by another process (another test run) before mariadbd binds it:
    // then it exits ("Address already in use"), and it is started again on another; a real fault fails three times.
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      let said = '';
      server = spawn('mariadbd', [
        '--no-defaults', '--user=mysql', `--datadir=${dir}/data`, `--socket=${dir}/mysqld.sock`, `--pid-file=${dir}/mysqld.pid`,
        '--bind-address=127.0.0.1', `--port=${port}`, '--skip-grant-tables',
        `--ssl-ca=${dir}/trusted-ca.pem`, `--ssl-cert=${dir}/server.pem`, `--ssl-key=${dir}/server.key`,
      ], { stdio: ['ignore', 'ignore', 'pipe'] });
      let ended = false;
      server.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString('utf8')));
      server.once('exit', () => (ended = true));
      await eventually(() => ended || said.includes('ready for connections'), `mariadbd starting on ${port}`);
      if (!ended) break;
      if (attempt === 3) throw new Error(`mariadbd exited with ${server.exitCode ?? server.signalCode}:\n${said}`);
    }
  });

  afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise((r) => (server?.exitCode === null ? server.once('exit', r) : r(undefined)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const settings = (sslCaFile: string | undefined): MysqlSettings => ({
    kind: 'mysql', host: '127.0.0.1', port, database: 'mysql', user: 'root', ssl: true, sslCaFile,
    poolMax: 1, acquireTimeoutMs: 3000, secretTtlMs: 300_000,
  });

  async function tlsVersion(sslCaFile: string | undefined): Promise<string> {
    const knex = createKnex(settings(sslCaFile));
    try {
      const [rows] = await knex.raw("SHOW SESSION STATUS LIKE 'Ssl_version'");
      return rows[0].Value;
    } finally {
      await knex.destroy();
    }
  }

  test('connects over TLS when the server certificate chains to DB_SSL_CA_FILE', async () => {
    expect(await tlsVersion(path.join(dir, 'trusted-ca.pem'))).toMatch(/^TLSv1\.[23]$/);
  });

  test('refuses the server with the default trust, the Amazon RDS certificate authorities', async () => {
    await expect(tlsVersion(undefined)).rejects.toThrow(/certificate/i);
  });

  test('refuses the server when DB_SSL_CA_FILE holds another CA', async () => {
    await expect(tlsVersion(path.join(dir, 'other-ca.pem'))).rejects.toThrow(/certificate/i);
  });
});
