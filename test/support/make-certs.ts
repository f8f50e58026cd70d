import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface TestCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 of the DER certificate, as Node's `getPeerCertificate().fingerprint256` spells it. */
  readonly fingerprint256: string;
}

interface TestCa extends TestCertificate {
  readonly cert: forge.pki.Certificate;
  readonly key: forge.pki.rsa.PrivateKey;
}

// RSA key generation is the slow part: Node's native generator, once per test process.
let caCache: TestCa | undefined;
let leafKeyCache: { privatePem: string; publicKey: forge.pki.rsa.PublicKey } | undefined;

function generateKeys(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

function fingerprintOf(cert: forge.pki.Certificate): string {
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return hex.match(/../g)?.join(':') ?? hex;
}

function newCertificate(publicKey: forge.pki.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  return cert;
}

/** A self-signed CA for this test process. */
export function testCa(): TestCertificate {
  if (caCache === undefined) {
    const keys = generateKeys();
    const key = forge.pki.privateKeyFromPem(keys.privatePem);
    const cert = newCertificate(forge.pki.publicKeyFromPem(keys.publicPem), 2);
    const subject = [{ name: 'commonName', value: 'egressgate test CA' }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ]);
    cert.sign(key, forge.md.sha256.create());
    caCache = {
      cert,
      key,
      certPem: forge.pki.certificateToPem(cert),
      keyPem: keys.privatePem,
      fingerprint256: fingerprintOf(cert),
    };
  }
  return caCache;
}

/** A leaf certificate for `names`, signed by the test CA. Leaves share one key per process. */
export function makeLeafCert(names: readonly string[]): TestCertificate {
  const ca = testCa() as TestCa;
  if (leafKeyCache === undefined) {
    const keys = generateKeys();
    leafKeyCache = { privatePem: keys.privatePem, publicKey: forge.pki.publicKeyFromPem(keys.publicPem) };
  }
  const cert = newCertificate(leafKeyCache.publicKey, 1);
  cert.setSubject([{ name: 'commonName', value: names[0] ?? 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: names.map((n) => (/^[\d.]+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: leafKeyCache.privatePem,
    fingerprint256: fingerprintOf(cert),
  };
}
