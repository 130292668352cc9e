import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countTcpDnsEstablished, pidInNetns } from './netns-proc.ts';

test('established TCP sockets to port 53 are counted from /proc/net/tcp and tcp6', () => {
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0501400A:9C40 0A00600A:0035 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0 20 4 30 10 -1',
    // Listening on port 53 is not a connection to it.
    '   1: 0A14FEA9:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
    // A connection to 53 that is closing.
    '   2: 0501400A:9C41 0A00600A:0035 06 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1',
  ].join('\n');
  const tcp6 =
    '   0: 00000000000000000000000001000000:9C40 00000000000000000000000002000000:0035 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1';
  assert.equal(countTcpDnsEstablished(tcp + '\n' + tcp6), 2);
});

test('a pid is found in its own network namespace, and none in a namespace that does not exist', () => {
  assert.equal(pidInNetns('scalelab-no-such-namespace', [process.pid]), undefined);
});
