// Certificates made at test time with openssl: a CA, a server certificate for 127.0.0.1, a client
// certificate signed by the same CA, and an unrelated CA for the wrong-CA case.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  readonly otherCaFile: string;
  readonly serverKey: Buffer;
  readonly serverCert: Buffer;
  readonly ca: Buffer;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

export function makePki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-pki-'));
  const ca = (name: string): void => {
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
      ],
      dir,
    );
  };
  ca('ca');
  ca('other-ca');
  const leaf = (name: string, ext: string): void => {
    openssl(
      ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`],
      dir,
    );
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
      ],
      dir,
    );
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  const f = (n: string): string => path.join(dir, n);
  return {
    dir,
    caFile: f('ca.crt'),
    otherCaFile: f('other-ca.crt'),
    serverKey: readFileSync(f('server.key')),
    serverCert: readFileSync(f('server.crt')),
    ca: readFileSync(f('ca.crt')),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
  };
}
