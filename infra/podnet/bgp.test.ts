import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../exec.ts';
import { labAsn, nodeConfig, reflectorConfig } from './bgp.ts';

const nodes = [
  { name: 'node-1', ip: '198.18.1.1' },
  { name: 'node-2', ip: '198.18.1.2' },
  { name: 'real.3', ip: '198.18.1.3' },
];
const reflector = reflectorConfig({ routerId: '198.18.0.1', asn: labAsn, nodes });
const node1 = nodeConfig({
  routerId: '198.18.1.1',
  asn: labAsn,
  reflectorIp: '198.18.0.1',
  podCidr: '100.64.10.0/24',
});

const neighbours = (conf: string) => [...conf.matchAll(/neighbor (\S+) as (\d+);/g)].map((m) => [m[1], m[2]]);

describe('reflectorConfig', () => {
  test('peers with every node, in the lab ASN, as rr clients, from the reflector address', () => {
    assert.deepEqual(neighbours(reflector), [
      ['198.18.1.1', '64512'],
      ['198.18.1.2', '64512'],
      ['198.18.1.3', '64512'],
    ]);
    assert.match(reflector, /^router id 198\.18\.0\.1;$/m);
    assert.match(reflector, /^\s+local 198\.18\.0\.1 as 64512;$/m);
    assert.match(reflector, /^\s+rr client;$/m);
    assert.doesNotMatch(reflector, /next hop self/);
  });

  test('names one bgp protocol per node, with node names made into bird symbols', () => {
    const protos = [...reflector.matchAll(/^protocol bgp (\S+) from rr_clients \{$/gm)].map((m) => m[1]);
    assert.deepEqual(protos, ['node_node_1', 'node_node_2', 'node_real_3']);
    assert.match(reflector, /description "node-1";/);
  });

  test('installs only BGP routes into the lab kernel', () => {
    assert.match(reflector, /protocol kernel \{\s+ipv4 \{\s+import none;\s+export where source = RTS_BGP;/);
  });

  test('refuses duplicate nodes, bad addresses and bad ASNs', () => {
    const base = { routerId: '198.18.0.1', asn: labAsn };
    assert.throws(() =>
      reflectorConfig({ ...base, nodes: [...nodes, { name: 'node_1', ip: '198.18.1.9' }] }),
    );
    assert.throws(() => reflectorConfig({ ...base, nodes: [...nodes, { name: 'other', ip: '198.18.1.1' }] }));
    assert.throws(() => reflectorConfig({ ...base, nodes: [{ name: 'x', ip: '198.18.1.256' }] }));
    assert.throws(() => reflectorConfig({ ...base, routerId: 'lab', nodes }));
    assert.throws(() => reflectorConfig({ ...base, asn: 0, nodes }));
  });
});

describe('nodeConfig', () => {
  test('peers with the reflector only, in the lab ASN, from the node address', () => {
    assert.deepEqual(neighbours(node1), [['198.18.0.1', '64512']]);
    assert.match(node1, /^router id 198\.18\.1\.1;$/m);
    assert.match(node1, /^\s+local 198\.18\.1\.1 as 64512;$/m);
    assert.doesNotMatch(node1, /rr client/);
  });

  test('announces its podCIDR and nothing else, and does not import it back', () => {
    assert.match(node1, /protocol static pods \{\s+ipv4;\s+route 100\.64\.10\.0\/24 blackhole;\s+\}/);
    assert.match(node1, /export where proto = "pods";/);
    assert.match(node1, /import where net != 100\.64\.10\.0\/24;/);
  });

  test("installs learned routes and its own block (a blackhole under the pods' /32s) in its kernel", () => {
    assert.match(
      node1,
      /protocol kernel \{\s+ipv4 \{\s+import none;\s+export where source = RTS_BGP \|\| proto = "pods";/,
    );
  });

  test('refuses a podCIDR that is not an IPv4 CIDR', () => {
    const base = { routerId: '198.18.1.1', asn: labAsn, reflectorIp: '198.18.0.1' };
    for (const podCidr of [
      '100.64.10.0',
      '100.64.10.0/33',
      'fd00::/64',
      '100.64.10.0/24; }',
      '100.64.10.0/24/8',
    ])
      assert.throws(() => nodeConfig({ ...base, podCidr }), /podCidr/, podCidr);
  });
});

describe('bird -p (parse only)', async () => {
  const hasBird = (await exec(['sh', '-c', 'command -v bird'], { allowFailure: true })).exitCode === 0;
  const dir = mkdtempSync(join(tmpdir(), 'scalelab-bgp-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const parse = async (name: string, conf: string) => {
    const file = join(dir, `${name}.conf`);
    writeFileSync(file, conf);
    return exec(['bird', '-p', '-c', file], { allowFailure: true });
  };
  const skip = hasBird ? false : 'bird is not installed';

  test('accepts the reflector config', { skip }, async () => {
    const r = await parse('reflector', reflector);
    assert.equal(r.exitCode, 0, r.stderr);
  });

  test('accepts the node config', { skip }, async () => {
    const r = await parse('node', node1);
    assert.equal(r.exitCode, 0, r.stderr);
  });

  test('rejects a broken config (so the two above mean something)', { skip }, async () => {
    const r = await parse('broken', `${node1}\nprotocol bgp {\n`);
    assert.notEqual(r.exitCode, 0);
  });
});
