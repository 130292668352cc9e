import { connect } from 'node:net';
import { request } from 'node:http';
import type { V1Container, V1Probe } from '@kubernetes/client-node';

/**
 * The readiness check for a container: its readinessProbe (httpGet or tcpSocket) when it has one; otherwise a
 * TCP connect to its first declared port; otherwise none (ready once started), as a kubelet without a probe.
 */
export function readinessCheck(c: V1Container, podIp: string): (() => Promise<boolean>) | undefined {
  const probe: V1Probe | undefined = c.readinessProbe;
  const port = (p: number | string | undefined) =>
    typeof p === 'number' ? p : Number(c.ports?.find((x) => x.name === p)?.containerPort ?? p);
  if (probe?.httpGet) {
    // A probe may name its host, as the kubelet allows (NodeLocal DNSCache's checks 169.254.20.10).
    const { path = '/', port: p, host = podIp } = probe.httpGet;
    return () => httpOk(host, port(p as number | string), path, (probe.timeoutSeconds ?? 1) * 1000);
  }
  if (probe?.tcpSocket)
    return () =>
      tcpOk(podIp, port(probe.tcpSocket!.port as number | string), (probe.timeoutSeconds ?? 1) * 1000);
  const first = c.ports?.[0]?.containerPort;
  if (probe === undefined && first !== undefined) return () => tcpOk(podIp, first, 1000);
  return undefined;
}

function tcpOk(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.on('connect', () => done(true));
    s.on('timeout', () => done(false));
    s.on('error', () => done(false));
  });
}

function httpOk(host: string, port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
