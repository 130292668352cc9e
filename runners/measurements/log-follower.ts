/**
 * A container's log read as it grows: each read returns only the lines completed since the last one. The
 * probes log a line every few milliseconds and are read every 100 ms; reading and splitting the whole log each
 * time grew with the log and was a steady part of the harness's own CPU.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ClusterTarget } from '../cluster/target.ts';

export interface LogFollower {
  /** The lines completed since the previous call (a line still being written waits for its newline). */
  newLines(): Promise<string[]>;
}

export function followLog(target: ClusterTarget, pod: V1Pod, container: string): LogFollower {
  let offset = 0;
  let partial = '';
  return {
    async newLines() {
      const chunk = await target.containerLog(pod, container, offset);
      // The agents log ASCII, so the text's length in bytes is where the next read starts.
      offset += Buffer.byteLength(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      return lines;
    },
  };
}
