import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** A PEM key pair: generated with node's crypto (fast, native), signed with node-forge. */
export interface KeyPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

export interface LabCa {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface LeafCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

const dayMs = 86_400_000;

/** A 2048-bit RSA key pair; tests generate one or two per file and pass them in. */
export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function newCertificate(keys: KeyPair, validDays: number, now: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  // Random, and led by 01 so DER never reads it as negative.
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  cert.validity.notBefore = new Date(now - dayMs);
  cert.validity.notAfter = new Date(now + validDays * dayMs);
  return cert;
}

/** A lab certificate authority, good for 30 days: lab clients trust it and nothing else. */
export function createLabCa(keys: KeyPair, now: number = Date.now()): LabCa {
  const cert = newCertificate(keys, 30, now);
  const subject = [
    { name: 'commonName', value: 'egressgate lab CA' },
    { name: 'organizationName', value: 'egressgate lab' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

/** One leaf carrying every lab name as a subjectAltName, signed by the lab CA. */
export function issueLeafCertificate(
  ca: LabCa,
  names: readonly string[],
  keys: KeyPair,
  now: number = Date.now(),
): LeafCertificate {
  if (names.length === 0) throw new Error('a lab certificate needs at least one name');
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = newCertificate(keys, 30, now);
  cert.setSubject([{ name: 'commonName', value: names[0] ?? 'lab' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}
