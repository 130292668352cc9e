import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { ApiWrites } from '../infra/api/api-writes.ts';
import { createService } from '../runners/churn/workload.ts';
import { jobName, kubeBurnerFiles, unlimitedQps, type PeerPhase } from './peer-churn-kube-burner-config.ts';
import { peerPod } from './peer-churn-objects.ts';

const phase = (kind: PeerPhase['kind'], action: PeerPhase['action']): PeerPhase => ({
  kind,
  action,
  count: 2000,
  runId: 'kb-r0',
});

/** What kube-burner does with a template before parsing it: render {{.Replica}}. */
const render = (template: string, replica: number) =>
  parse(template.replaceAll('{{.Replica}}', String(replica)));

test('a create job: one iteration of `count` replicas, unlimited, and nothing but API work', () => {
  const files = kubeBurnerFiles(phase('pods', 'create'), '/tmp/kb');
  const config = parse(files['config.yaml']!);
  assert.deepEqual(config.global, { gc: false, measurements: [] });
  const [job] = config.jobs;
  assert.equal(job.name, 'peer-create-pods');
  assert.equal(job.jobType, 'create');
  assert.equal(job.jobIterations, 1);
  assert.equal(job.qps, unlimitedQps);
  assert.ok(job.burst >= 2000, 'burst covers every object, so the limiter never waits');
  for (const off of [
    'cleanup',
    'podWait',
    'waitWhenFinished',
    'verifyObjects',
    'preLoadImages',
    'namespacedIterations',
  ])
    assert.equal(job[off], false, off);
  assert.equal(job.skipIndexing, true);
  assert.deepEqual(job.objects, [{ objectTemplate: '/tmp/kb/pods.yaml', replicas: 2000, wait: false }]);
});

test('the pod template renders to the pod scalelab creates: kwok pod, same name, labels and grace 0', () => {
  const files = kubeBurnerFiles(phase('pods', 'create'), '/tmp/kb');
  const pod = render(files['pods.yaml']!, 7);
  assert.equal(pod.metadata.name, 'churn-kb-r0-7');
  assert.equal(pod.metadata.namespace, 'default');
  assert.deepEqual(pod.spec.nodeSelector, { type: 'kwok' });
  assert.equal(pod.spec.terminationGracePeriodSeconds, 0);
  assert.deepEqual(pod, peerPod('kb-r0', 7));
});

test('the Service template renders to exactly what the churn driver’s createService sends', async () => {
  let sent: { path: string; body: object } | undefined;
  // Records the write instead of sending it: the test compares objects, not transports.
  const recorder: ApiWrites = {
    transport: 'HTTP/2',
    create: async (path, body) => void (sent = { path, body }),
    mergePatch: async () => {},
    remove: async () => {},
    close: () => {},
  };
  await createService(recorder, 'kb-r0', { namespaces: ['default'], groups: 1 }, 7);
  const files = kubeBurnerFiles(phase('services', 'create'), '/tmp/kb');
  const { apiVersion, kind, metadata, ...rest } = render(files['services.yaml']!, 7);
  assert.deepEqual([apiVersion, kind], ['v1', 'Service']);
  const { namespace, ...meta } = metadata;
  assert.equal(sent!.path, `/api/v1/namespaces/${namespace}/services`);
  assert.deepEqual({ metadata: meta, ...rest }, sent!.body);
});

test('a delete job selects this run’s objects by label and does not wait', () => {
  const files = kubeBurnerFiles(phase('services', 'delete'), '/tmp/kb');
  assert.deepEqual(Object.keys(files), ['config.yaml']);
  const [job] = parse(files['config.yaml']!).jobs;
  assert.equal(job.name, jobName(phase('services', 'delete')));
  assert.equal(job.jobType, 'delete');
  assert.equal(job.waitForDeletion, false);
  assert.deepEqual(job.objects, [
    { kind: 'Service', apiVersion: 'v1', labelSelector: { 'scalelab.io/run': 'kb-r0' }, wait: false },
  ]);
});
