import type { V1Pod, V1PodCondition, V1ContainerStatus } from '@kubernetes/client-node';
import type { ContainerState } from './container.ts';

/** The status a kubelet would report for a pod whose containers are in `states`. */
export function runningPodStatus(
  pod: V1Pod,
  o: { hostIp: string; podIp: string; startedAt: Date; states: readonly ContainerState[] },
) {
  const allReady = o.states.length > 0 && o.states.every((s) => s.ready);
  const now = new Date();
  const cond = (type: string, ok: boolean): V1PodCondition => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: previousTransition(pod, type, ok) ?? now,
  });
  const containerStatuses: V1ContainerStatus[] = o.states.map((s) => {
    const spec = pod.spec?.containers.find((c) => c.name === s.name);
    return {
      name: s.name,
      image: spec?.image ?? '',
      imageID: '',
      containerID: `scalelab://${pod.metadata!.uid}/${s.name}`,
      ready: s.ready,
      started: s.running,
      restartCount: s.restartCount,
      state: s.running
        ? { running: { startedAt: s.startedAt } }
        : s.finished && s.lastExit
          ? {
              terminated: {
                exitCode: s.lastExit.code ?? 137,
                reason: s.lastExit.code === 0 ? 'Completed' : 'Error',
                startedAt: s.startedAt,
                finishedAt: s.lastExit.at,
              },
            }
          : { waiting: { reason: s.waitingReason ?? 'ContainerCreating' } },
      lastState: s.lastExit
        ? {
            terminated: {
              exitCode: s.lastExit.code ?? 137,
              signal: undefined,
              reason: s.lastExit.signal ? 'Error' : 'Completed',
              finishedAt: s.lastExit.at,
            },
          }
        : {},
    };
  });
  return {
    status: {
      // Every container down for good (restartPolicy Never/OnFailure): Succeeded when all exited 0.
      phase:
        o.states.length && o.states.every((s) => s.finished)
          ? o.states.every((s) => s.lastExit?.code === 0)
            ? 'Succeeded'
            : 'Failed'
          : 'Running',

      hostIP: o.hostIp,
      hostIPs: [{ ip: o.hostIp }],
      podIP: o.podIp,
      podIPs: [{ ip: o.podIp }],
      startTime: o.startedAt,
      conditions: [
        cond('PodReadyToStartContainers', true),
        cond('Initialized', true),
        cond('ContainersReady', allReady),
        cond('Ready', allReady),
        cond('PodScheduled', true),
      ],
      containerStatuses,
    },
  };
}

/** A pod the node cannot start (an image it cannot run, a volume it cannot make): Pending, with the reason. */
export function failedPodStatus(pod: V1Pod, hostIp: string, reason: string, message: string) {
  return {
    status: {
      phase: 'Pending',
      hostIP: hostIp,
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message },
      ],
      containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason, message } },
      })),
    },
  };
}

function previousTransition(pod: V1Pod, type: string, ok: boolean): Date | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === type);
  return c && (c.status === 'True') === ok ? c.lastTransitionTime : undefined;
}
