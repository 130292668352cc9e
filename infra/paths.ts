import { homedir } from 'node:os';
import { join } from 'node:path';

/** Built components and their wrapper modules live here, outside the repo, reused across runs and clones. */
export const cacheRoot = process.env.SCALELAB_CACHE ?? join(homedir(), '.cache', 'scalelab');

/** Running labs keep their state (pids, certs, kubeconfigs, logs) here; tmpfs, so a reboot clears it. */
export const stateRoot = process.env.SCALELAB_STATE ?? '/run/scalelab';

/** etcd's data directory lives on tmpfs without a mount of our own (nothing to unmount on down). */
export const dataRoot = process.env.SCALELAB_DATA ?? '/dev/shm/scalelab';
