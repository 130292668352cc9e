import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import type { LabState } from './state.ts';
import { kubeConfigFromFile } from '../api/pooled-kubeconfig.ts';

/** Writes a kubeconfig that names files (not inline data), so the lab's PKI stays in one place. */
export function writeKubeconfig(
  path: string,
  c: { server: string; caCert: string; clientCert: string; clientKey: string; name: string },
): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: c.name, cluster: { server: c.server, 'certificate-authority': c.caCert } }],
    users: [{ name: c.name, user: { 'client-certificate': c.clientCert, 'client-key': c.clientKey } }],
    contexts: [{ name: c.name, context: { cluster: c.name, user: c.name } }],
    'current-context': c.name,
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  return path;
}

/** An API client config for the lab's user kubeconfig (through the loopback forwarder). */
export function loadKubeconfig(state: LabState): KubeConfig {
  return kubeConfigFromFile(state.kubeconfig!);
}
