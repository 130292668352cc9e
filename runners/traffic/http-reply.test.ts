import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyReader } from './http-reply.ts';

const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n';

test('a reply sized by Content-Length is complete once its body has arrived, however it was split', () => {
  const r = new ReplyReader();
  assert.equal(r.add(Buffer.from(head + 'Content-Length: 10\r\n\r\nconn-')), undefined);
  assert.deepEqual(r.add(Buffer.from('targe')), { status: 200, body: 'conn-targe' });
});

test('a chunked reply is complete at its zero-size chunk', () => {
  const r = new ReplyReader();
  assert.equal(r.add(Buffer.from(head + 'Transfer-Encoding: chunked\r\n\r\n4\r\nconn\r\n')), undefined);
  assert.deepEqual(r.add(Buffer.from('3\r\n-ab\r\n0\r\n\r\n')), { status: 200, body: 'conn-ab' });
});

test("a reply with neither runs to the server's FIN; a head cut short is no reply", () => {
  const r = new ReplyReader();
  assert.equal(r.add(Buffer.from('HTTP/1.1 404 Not Found\r\n\r\nnope')), undefined);
  assert.deepEqual(r.atEnd(), { status: 404, body: 'nope' });
  const cut = new ReplyReader();
  cut.add(Buffer.from('HTTP/1.1 200 OK\r\nCont'));
  assert.equal(cut.atEnd(), undefined);
});

test('what is not HTTP is refused', () => {
  assert.throws(() => new ReplyReader().add(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), /not an HTTP reply/);
});
