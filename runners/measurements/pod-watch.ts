/**
 * When the harness first sees one pod reach a state, by a watch from the pod's own resourceVersion (its
 * create's answer), so no change is missed and nothing is polled: polling the pod every 10 ms while a probe
 * backend started was a steady part of the harness's own CPU in every measurement window.
 */
import { Watch, type V1Pod } from '@kubernetes/client-node';
import type { MeasurementContext } from './measurement.ts';

/** Resolves with the epoch ms the watch delivered the first version of `pod` that `holds`. */
export function watchPodUntil(
  ctx: MeasurementContext,
  pod: V1Pod,
  what: string,
  holds: (p: V1Pod) => boolean,
  timeoutMs = 60_000,
): Promise<number> {
  const { name, namespace, resourceVersion } = pod.metadata!;
  return new Promise((resolve, reject) => {
    let request: AbortController | undefined;
    let done = false;
    const finish = (err: Error | undefined, at = 0) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      request?.abort();
      if (err) reject(err);
      else resolve(at);
    };
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)),
      timeoutMs,
    );
    const onAbort = () => finish(new Error(`stopped while waiting for ${what}`));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    new Watch(ctx.kc)
      .watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { fieldSelector: `metadata.name=${name}`, ...(resourceVersion ? { resourceVersion } : {}) },
        (_type: string, p: V1Pod) => {
          if (holds(p)) finish(undefined, Date.now());
        },
        (err: unknown) => finish(new Error(`the watch of ${name} ended before ${what}: ${err ?? 'closed'}`)),
      )
      .then(
        (r) => {
          request = r;
          if (done) r.abort();
        },
        (err: unknown) => finish(new Error(`watching ${name} for ${what}: ${err}`)),
      );
  });
}
