import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyLine } from './peer-churn-kube-burner-run.ts';

// Lines as kube-burner v1.13.0 printed them against the lab.
const lines = {
  start: 'time="2026-11-25 15:11:18" level=info msg="Triggering job: peer-create-pods" file="job.go:98"',
  end: 'time="2026-11-25 15:11:21" level=info msg="Job peer-create-pods took 4s" file="job.go:159"',
  other: 'time="2026-11-25 15:11:21" level=info msg="Job peer-create-podsx took 4s" file="job.go:159"',
  error:
    'time="2026-11-25 15:11:20" level=error msg="Error creating object Pod/churn-kb-r0-3 in namespace default: etcdserver: request timed out" file="create.go:276"',
  info: 'time="2026-11-25 15:11:18" level=info msg="QPS: 100000" file="job.go:310"',
};

test('the job window: its "Triggering job" and "Job … took" lines, not another job’s', () => {
  assert.equal(classifyLine(lines.start, 'peer-create-pods'), 'start');
  assert.equal(classifyLine(lines.end, 'peer-create-pods'), 'end');
  assert.equal(classifyLine(lines.other, 'peer-create-pods'), undefined);
  assert.equal(classifyLine(lines.start, 'peer-create-services'), undefined);
});

test('error and fatal lines count as errors; info lines do not', () => {
  assert.equal(classifyLine(lines.error, 'peer-create-pods'), 'error');
  assert.equal(classifyLine(lines.error.replace('level=error', 'level=fatal'), 'x'), 'error');
  assert.equal(classifyLine(lines.info, 'peer-create-pods'), undefined);
});
