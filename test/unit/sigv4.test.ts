import { strict as assert } from 'node:assert';
import { createHash, createHmac } from 'node:crypto';
import {
  amzDate,
  presignIotWebSocketUrl,
  presignUrl,
  presignUrlDetailed,
} from '../../src/navien/mqtt/sigv4';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

describe('sigv4 presigning', () => {
  it('formats the AWS timestamp', () => {
    assert.equal(amzDate(new Date('2015-08-30T12:36:00Z')), '20150830T123600Z');
  });

  it('reproduces the aws-c-auth get-vanilla query-signing case', () => {
    const r = presignUrlDetailed({
      protocol: 'https',
      host: 'example.amazonaws.com',
      path: '/',
      region: 'us-east-1',
      service: 'service',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretKey: SECRET },
      date: new Date('2015-08-30T12:36:00Z'),
      expiresSec: 3600,
    });
    assert.equal(
      r.canonicalRequest,
      'GET\n/\n' +
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request' +
        '&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\n' +
        'host:example.amazonaws.com\n\nhost\n' +
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    assert.equal(r.signature, 'e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d');
    assert.equal(
      r.url,
      'https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request' +
        '&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d',
    );
  });

  it('matches the golden AWS IoT vector (AWS-IOT-MQTT.md §1.4)', () => {
    const url = presignIotWebSocketUrl({
      url: 'wss://a1t30mldyslmuq-ats.iot.us-east-1.amazonaws.com/mqtt',
      credentials: {
        accessKeyId: 'ASIAEXAMPLEKEY123456',
        secretKey: SECRET,
        sessionToken: 'IQoJb3JpZ2luX2VjE/+abc=def==',
      },
      date: new Date('2024-05-01T10:20:30Z'),
    });
    assert.ok(url.startsWith('wss://a1t30mldyslmuq-ats.iot.us-east-1.amazonaws.com/mqtt?'));
    assert.ok(
      url.endsWith(
        '&X-Amz-Signature=3070145730c9e59e2d7cd81bea5ad07b53af31f4fb4501a9e29d5969f09ea324' +
          '&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE%2F%2Babc%3Ddef%3D%3D',
      ),
      url,
    );
    assert.ok(!url.includes('X-Amz-Expires'));
    assert.ok(
      url.includes(
        'X-Amz-Credential=ASIAEXAMPLEKEY123456%2F20240501%2Fus-east-1%2Fiotdevicegateway%2Faws4_request',
      ),
    );
  });

  it('keeps the session token out of the canonical request for IoT', () => {
    const r = presignUrlDetailed({
      protocol: 'wss',
      host: 'a1t30mldyslmuq-ats.iot.us-east-1.amazonaws.com',
      path: '/mqtt',
      region: 'us-east-1',
      service: 'iotdevicegateway',
      credentials: {
        accessKeyId: 'ASIAEXAMPLEKEY123456',
        secretKey: SECRET,
        sessionToken: 'tok/en+=',
      },
      date: new Date('2024-05-01T10:20:30Z'),
    });
    assert.ok(!r.canonicalRequest.includes('Security-Token'));
    assert.ok(!r.canonicalRequest.includes('tok'));
    const sigAt = r.url.indexOf('X-Amz-Signature=');
    const tokAt = r.url.indexOf('X-Amz-Security-Token=tok%2Fen%2B%3D');
    assert.ok(sigAt > 0 && tokAt > sigAt);
  });

  it('signs the token when asked (ordinary AWS services), changing the signature', () => {
    const base = {
      protocol: 'https',
      host: 'example.amazonaws.com',
      path: '/',
      region: 'us-east-1',
      service: 'service',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretKey: SECRET, sessionToken: 'SESSION' },
      date: new Date('2015-08-30T12:36:00Z'),
    };
    const signed = presignUrlDetailed({ ...base, signSessionToken: true });
    const unsigned = presignUrlDetailed(base);
    assert.ok(signed.canonicalRequest.includes('X-Amz-Security-Token=SESSION'));
    assert.notEqual(signed.signature, unsigned.signature);
  });

  it('agrees with an independent re-computation for a loopback URL with a port', () => {
    const date = new Date('2026-01-02T03:04:05Z');
    const creds = { accessKeyId: 'AKIDLOOPBACK', secretKey: 'c2VjcmV0/x+y', sessionToken: 'a b&c' };
    const url = presignIotWebSocketUrl({
      url: 'ws://127.0.0.1:18883/mqtt',
      credentials: creds,
      date,
    });

    // Written out by hand, independent of the module under test.
    const t = '20260102T030405Z';
    const scope = '20260102/us-east-1/iotdevicegateway/aws4_request';
    const q =
      'X-Amz-Algorithm=AWS4-HMAC-SHA256' +
      `&X-Amz-Credential=AKIDLOOPBACK%2F${scope.split('/').join('%2F')}` +
      `&X-Amz-Date=${t}&X-Amz-SignedHeaders=host`;
    const creq = `GET\n/mqtt\n${q}\nhost:127.0.0.1:18883\n\nhost\n${createHash('sha256').update('').digest('hex')}`;
    const sts = `AWS4-HMAC-SHA256\n${t}\n${scope}\n${createHash('sha256').update(creq).digest('hex')}`;
    const h = (k: string | Buffer, d: string): Buffer => createHmac('sha256', k).update(d).digest();
    const key = h(
      h(h(h('AWS4c2VjcmV0/x+y', '20260102'), 'us-east-1'), 'iotdevicegateway'),
      'aws4_request',
    );
    const sig = createHmac('sha256', key).update(sts).digest('hex');

    assert.equal(
      url,
      `ws://127.0.0.1:18883/mqtt?${q}&X-Amz-Signature=${sig}&X-Amz-Security-Token=a%20b%26c`,
    );
  });

  it('drops the default port from the signed host', () => {
    const creds = { accessKeyId: 'AKID', secretKey: 's', sessionToken: 't' };
    const date = new Date('2026-01-02T03:04:05Z');
    const a = presignIotWebSocketUrl({
      url: 'wss://h.example.com:443/mqtt',
      credentials: creds,
      date,
    });
    const b = presignIotWebSocketUrl({ url: 'wss://h.example.com/mqtt', credentials: creds, date });
    assert.equal(a, b);
    assert.equal(
      presignUrl({
        protocol: 'wss',
        host: 'h.example.com',
        path: '/mqtt',
        region: 'us-east-1',
        service: 'iotdevicegateway',
        credentials: creds,
        date,
      }),
      b,
    );
  });
});
