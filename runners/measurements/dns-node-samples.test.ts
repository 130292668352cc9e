import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSamplerLine, samplerScript, summarize } from './dns-node-samples.ts';

test('each sample is summed over nodes; a sample with a failed node is left out of the figures', () => {
  const s = summarize(
    [
      { atMs: 0, udp53Entries: { a: 10, b: 2 }, tcp53Established: { a: 0, b: 0 } },
      { atMs: 5000, udp53Entries: { a: 30, b: 4 }, tcp53Established: { a: 2, b: 1 } },
      { atMs: 10_000, udp53Entries: { a: 20, b: null }, tcp53Established: { a: 2, b: 2 } },
    ],
    5000,
  );
  assert.equal(s.udp53EntriesP50, 12);
  assert.equal(s.udp53EntriesMax, 34);
  assert.equal(s.tcp53EstablishedP50, 3);
  assert.equal(s.tcp53EstablishedMax, 4);
  assert.equal(s.samples.length, 3);
  const none = summarize([], 5000);
  assert.deepEqual([none.udp53EntriesP50, none.udp53EntriesMax], [null, null]);
});

test('a sampler line gives its time and counts; a count the shell could not take is null', () => {
  assert.deepEqual(parseSamplerLine('1765000000123 12 3'), [1765000000123, 12, 3]);
  assert.deepEqual(parseSamplerLine('1765000000123 - 0'), [1765000000123, null, 0]);
  assert.equal(parseSamplerLine(''), undefined);
  assert.equal(parseSamplerLine('sh: 1: conntrack: not found'), undefined);
});

test('the sampler shell prints a line at once with both counts, and ends when told', async () => {
  // In this process's own namespace: the commands only read its conntrack table and sockets.
  const child = spawn('sh', ['-c', samplerScript(60_000, process.pid)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own group, so the kill below ends the sleep too (else it holds the pipes for 60 s)
  });
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('close', () => reject(new Error(`the shell ended without a line: ${out}`)));
  });
  process.kill(-child.pid!, 'SIGTERM');
  const parsed = parseSamplerLine(line);
  assert.ok(parsed, `not a sampler line: ${line}`);
  assert.ok(Math.abs(parsed[0] - Date.now()) < 60_000, `its time ${parsed[0]} is not now`);
  assert.equal(typeof parsed[1], 'number', `conntrack's count: ${line}`);
  assert.equal(typeof parsed[2], 'number', `ss's count: ${line}`);
});

test('a command the sampler cannot run is named on its stderr, and its count is "-"', async () => {
  // A PATH with everything the loop uses but conntrack.
  const bin = mkdtempSync(join(tmpdir(), 'sampler-path-'));
  try {
    for (const tool of ['date', 'sed', 'sleep', 'grep', 'ss']) {
      const found = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].map((d) => join(d, tool)).find(existsSync);
      if (found) symlinkSync(found, join(bin, tool));
    }
    const child = spawn('/bin/sh', ['-c', samplerScript(60_000, process.pid)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: bin },
      detached: true,
    });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('close', () => reject(new Error(`the shell ended without a line: ${out} ${err}`)));
    });
    process.kill(-child.pid!, 'SIGTERM');
    assert.equal(parseSamplerLine(line)?.[1], null, `conntrack's count should be missing: ${line}`);
    assert.match(err, /^conntrack: .*conntrack.*not found/m);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
