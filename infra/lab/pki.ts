import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { exec } from '../exec.ts';

/** The lab's own CA and the certificates its components use; files under <dir>. P-256 keys: fast to make. */
export interface LabPki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly saKey: string;
  readonly saPub: string;
  /** Client certificates by identity, e.g. clients.admin.cert. */
  readonly clients: Readonly<Record<ClientIdentity, { cert: string; key: string }>>;
}

/**
 * Who talks to the apiserver. The admin (system:masters) is the user and kwok, which stands in for thousands of
 * kubelets; kcm and the scheduler use their own identities so RBAC and API priority and fairness classify them
 * as in a real cluster; kube-proxy gets system:kube-proxy (bound to system:node-proxier by default RBAC).
 */
export const clientIdentities = {
  admin: { cn: 'scalelab-admin', org: 'system:masters' },
  controllerManager: { cn: 'system:kube-controller-manager', org: '' },
  scheduler: { cn: 'system:kube-scheduler', org: '' },
  kubeProxy: { cn: 'system:kube-proxy', org: '' },
  // The apiserver's identity towards the node agents' kubelet API (pods/log), as kubeadm's
  // apiserver-kubelet-client; the node agent accepts any client certificate signed by the lab CA.
  apiserverKubeletClient: { cn: 'kube-apiserver-kubelet-client', org: 'system:masters' },
} as const;
export type ClientIdentity = keyof typeof clientIdentities;

/** openssl req's arguments for a new P-256 key, unencrypted, and a certificate for ten years. */
const newP256Key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650'];

export async function createPki(dir: string, serverSans: readonly string[]): Promise<LabPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string) => join(dir, f);
  await exec([
    'openssl',
    'req',
    '-x509',
    ...newP256Key,
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.crt'),
    '-subj',
    '/CN=scalelab-ca',
  ]);
  const san = serverSans.map((s) => (/^[\d.]+$/.test(s) ? `IP:${s}` : `DNS:${s}`)).join(',');
  await signedByCa(dir, 'apiserver', '/CN=kube-apiserver', [
    '-addext',
    `subjectAltName=${san}`,
    '-addext',
    'extendedKeyUsage=serverAuth',
  ]);
  const clients = await createClientCerts(dir);
  await createServiceAccountKeys(dir);
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('apiserver.crt'),
    serverKey: p('apiserver.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
    clients,
  };
}

/** <dir>/<name>.crt and .key for `subj`, signed by the lab CA in <dir>; `ext` adds extensions. */
function signedByCa(dir: string, name: string, subj: string, ext: readonly string[]) {
  const p = (f: string) => join(dir, f);
  return exec([
    'openssl',
    'req',
    '-x509',
    ...newP256Key,
    '-CA',
    p('ca.crt'),
    '-CAkey',
    p('ca.key'),
    '-keyout',
    p(`${name}.key`),
    '-out',
    p(`${name}.crt`),
    '-subj',
    subj,
    ...ext,
  ]);
}

/** A client certificate for every identity, one after another, named after it (admin.crt, admin.key). */
async function createClientCerts(dir: string): Promise<LabPki['clients']> {
  const clients = {} as Record<ClientIdentity, { cert: string; key: string }>;
  for (const [id, who] of Object.entries(clientIdentities) as [
    ClientIdentity,
    { cn: string; org: string },
  ][]) {
    const subj = who.org ? `/O=${who.org}/CN=${who.cn}` : `/CN=${who.cn}`;
    await signedByCa(dir, id, subj, ['-addext', 'extendedKeyUsage=clientAuth']);
    clients[id] = { cert: join(dir, `${id}.crt`), key: join(dir, `${id}.key`) };
  }
  return clients;
}

/** The key pair the apiserver signs service account tokens with and checks them by: sa.key, sa.pub. */
async function createServiceAccountKeys(dir: string): Promise<void> {
  const p = (f: string) => join(dir, f);
  await exec([
    'openssl',
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    p('sa.key'),
  ]);
  await exec(['openssl', 'pkey', '-in', p('sa.key'), '-pubout', '-out', p('sa.pub')]);
}

/**
 * A kubelet serving certificate for a real node (its node agent's kubelet API on :10250), signed by the lab CA
 * so the apiserver verifies it (--kubelet-certificate-authority) as it would a kubelet's.
 */
export async function createKubeletServingCert(
  pkiDir: string,
  node: string,
  ip: string,
): Promise<{ cert: string; key: string }> {
  const name = `kubelet-${node}`;
  await signedByCa(pkiDir, name, `/O=system:nodes/CN=system:node:${node}`, [
    '-addext',
    `subjectAltName=IP:${ip},DNS:${node}`,
    '-addext',
    'extendedKeyUsage=serverAuth',
  ]);
  return { cert: join(pkiDir, `${name}.crt`), key: join(pkiDir, `${name}.key`) };
}
