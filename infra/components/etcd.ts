/** etcd tuned for a throwaway lab: tmpfs data, no fsync (what kwokctl and upstream scale labs do). */
export interface EtcdConfig {
  readonly name: string;
  readonly dataDir: string;
  /** host:port for clients, inside the lab namespace. */
  readonly clientAddress: string;
  readonly peerPort: number;
  readonly quotaBackendBytes: number;
}

export function etcdArgs(c: EtcdConfig): string[] {
  const [host] = c.clientAddress.split(':');
  return [
    `--name=${c.name}`,
    `--data-dir=${c.dataDir}`,
    `--listen-client-urls=http://${c.clientAddress}`,
    `--advertise-client-urls=http://${c.clientAddress}`,
    `--listen-peer-urls=http://${host}:${c.peerPort}`,
    `--initial-advertise-peer-urls=http://${host}:${c.peerPort}`,
    `--initial-cluster=${c.name}=http://${host}:${c.peerPort}`,
    '--unsafe-no-fsync',
    `--quota-backend-bytes=${c.quotaBackendBytes}`,
    '--auto-compaction-mode=periodic',
    '--auto-compaction-retention=5m',
    '--snapshot-count=50000',
    '--log-level=warn',
  ];
}
