import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refusesHttp2 } from './http2-writes.ts';

const failure = (code: string) => Object.assign(new Error(code), { code });

test('a server without h2 in its ALPN list means "use HTTP/1.1", not a failed run', () => {
  // What Node's http2 client reported against Node's own https server with ALPNProtocols ['http/1.1'].
  assert.equal(refusesHttp2(failure('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL')), true);
  assert.equal(refusesHttp2(failure('ERR_HTTP2_ERROR')), true);
});

test('no server, or a certificate that does not verify, is an error to report', () => {
  for (const code of [
    'ECONNREFUSED',
    'ETIMEDOUT',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])
    assert.equal(refusesHttp2(failure(code)), false, code);
});
