// A throwaway PKI for TLS tests, made with the openssl CLI into a temp dir: two unrelated CAs (A
// and B), and from each a server certificate (localhost, 127.0.0.1, surge.test), a client
// certificate and a process certificate for both roles (as rpc.tls gives one to each process). EC P-256 keys, so the whole set takes a few tens of ms. Not shipped (testing/).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pair {
  cert: string;
  key: string;
  /** Paths of the same PEMs, for the path form of TlsOptions. */
  certPath: string;
  keyPath: string;
}

export interface TestCa {
  ca: string;
  caPath: string;
  server: Pair;
  client: Pair;
  /** serverAuth and clientAuth, DNS:surge.test: one certificate a process serves and calls with. */
  process: Pair;
}

export interface TestPki {
  dir: string;
  a: TestCa;
  b: TestCa;
  remove(): void;
}

/** Whether the openssl CLI is on PATH (the tests say so plainly when it is not). */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'surge-pki-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const file = (name: string) => join(dir, name);
  const makeCa = (label: string): TestCa => {
    run(['req', '-x509', ...ecKey, '-keyout', `${label}-ca.key`, '-out', `${label}-ca.crt`, '-days', '2', '-subj', `/CN=Surge Test CA ${label}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const leaf = (role: 'server' | 'client' | 'process'): Pair => {
      const base = `${label}-${role}`;
      run(['req', '-new', ...ecKey, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=surge-${role}-${label}`]);
      writeFileSync(file(`${base}.ext`), [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        `extendedKeyUsage=${{ server: 'serverAuth', client: 'clientAuth', process: 'serverAuth,clientAuth' }[role]}`,
        ...(role === 'server' ? ['subjectAltName=DNS:localhost,DNS:surge.test,IP:127.0.0.1'] : role === 'process' ? ['subjectAltName=DNS:surge.test'] : []),
      ].join('\n'));
      run(['x509', '-req', '-in', `${base}.csr`, '-CA', `${label}-ca.crt`, '-CAkey', `${label}-ca.key`, '-set_serial', String(Date.now()), '-days', '2', '-extfile', `${base}.ext`, '-out', `${base}.crt`]);
      return { cert: readFileSync(file(`${base}.crt`), 'utf8'), key: readFileSync(file(`${base}.key`), 'utf8'), certPath: file(`${base}.crt`), keyPath: file(`${base}.key`) };
    };
    return { ca: readFileSync(file(`${label}-ca.crt`), 'utf8'), caPath: file(`${label}-ca.crt`), server: leaf('server'), client: leaf('client'), process: leaf('process') };
  };
  try {
    return { dir, a: makeCa('A'), b: makeCa('B'), remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
