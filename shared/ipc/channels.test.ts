import { describe, expect, it } from 'vitest';
import { toBase64 } from './base64.ts';
import { CHANNELS, isChannelName } from './channels.ts';
import { ConsoleError, unwrap } from './errors.ts';
import { CHANNEL_NAMES, ipcChannelOf, type ChannelName } from './names.ts';

const FP = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0')).join(':');
const TOKEN = 'x'.repeat(43);

describe('channel map', () => {
  it('names.ts lists exactly the channels of the map', () => {
    expect([...CHANNEL_NAMES].sort()).toEqual(Object.keys(CHANNELS).sort());
  });

  it.each(['toString', '__proto__', 'constructor', 'hasOwnProperty'])('%s is not a channel', (name) => {
    expect(isChannelName(name)).toBe(false);
  });

  it('puts every channel in one IPC namespace', () => {
    expect(ipcChannelOf('listAgents')).toBe('portico:listAgents');
  });
});

describe('params schemas', () => {
  // [channel, params, accepted]
  const cases: [ChannelName, unknown, boolean][] = [
    ['listAgents', undefined, true],
    ['listAgents', {}, true],
    ['listAgents', { extra: 1 }, false],
    ['pairAgent', { address: 'lb1.example.com', token: TOKEN }, true],
    ['pairAgent', { address: 'fd00::1', port: 9443, token: TOKEN, expectedFingerprint: FP }, true],
    ['pairAgent', { address: '10.0.0.5', port: 7443, token: TOKEN, advertisedFingerprint: FP }, true],
    ['pairAgent', { address: 'lb1 example', token: TOKEN }, false],
    ['pairAgent', { address: 'lb1', port: 70000, token: TOKEN }, false],
    ['pairAgent', { address: 'lb1', token: 'short' }, false],
    ['pairAgent', { address: 'lb1', token: `${TOKEN} x` }, false],
    ['pairAgent', { address: 'lb1', token: TOKEN, expectedFingerprint: 'AB:CD' }, false],
    ['rePairAgent', { agentId: 'a1', acceptFingerprint: FP }, true],
    ['rePairAgent', { agentId: 'a1', acceptFingerprint: FP, token: TOKEN }, true],
    ['rePairAgent', { agentId: '', acceptFingerprint: FP }, false],
    ['removeAgent', { agentId: 'a1' }, true],
    ['removeAgent', {}, false],
    ['healthHistory', { agentId: 'a1', key: 'cas/cas1' }, true],
    ['healthHistory', { agentId: 'a1', key: 'cas' }, false],
    ['healthHistory', { agentId: 'a1', key: 'owa/cas/cas1' }, false],
    ['agentStatus', { agentId: 'a1' }, true],
    ['agentStatus', {}, false],
    ['getAgentConfig', { agentId: 'a1' }, true],
    ['upsertPool', { agentId: 'a1', pool: { name: 'cas', servers: [] }, expectRevision: 2 }, true],
    ['upsertPool', { agentId: 'a1', pool: { name: 'cas' } }, false],
    ['upsertPool', { agentId: 'a1', pool: { servers: [] }, expectRevision: 2 }, false],
    ['removePool', { agentId: 'a1', name: 'cas', expectRevision: 2 }, true],
    ['removePool', { agentId: 'a1', name: '', expectRevision: 2 }, false],
    ['removePool', { agentId: 'a1', name: 'cas' }, false],
    [
      'upsertVirtualService',
      { agentId: 'a1', virtualService: { name: 'owa', x: 1 }, expectRevision: 2 },
      true,
    ],
    ['upsertVirtualService', { agentId: 'a1', virtualService: { name: 'owa' } }, false],
    ['upsertVirtualService', { agentId: 'a1', virtualService: {}, expectRevision: 2 }, false],
    ['removeVirtualService', { agentId: 'a1', name: 'owa', expectRevision: 0 }, true],
    ['removeVirtualService', { agentId: 'a1', name: 'owa', expectRevision: -1 }, false],
    [
      'setRealServerEnabled',
      { agentId: 'a1', pool: 'cas', server: 'cas1', enabled: false, expectRevision: 0 },
      true,
    ],
    ['setRealServerEnabled', { agentId: 'a1', pool: 'cas', server: 'cas1', enabled: false }, false],
    // The version-1 shape (a server named by its virtual service) is refused, not half-understood.
    [
      'setRealServerEnabled',
      { agentId: 'a1', virtualService: 'owa', realServer: 'cas1', enabled: false, expectRevision: 0 },
      false,
    ],
    ['inspectCertificates', { files: [{ name: 'a.pfx', bytes: 'AAEC', password: 'pw' }] }, true],
    ['inspectCertificates', { files: [{ name: 'a.pfx', bytes: new Uint8Array([1, 2]) }] }, true],
    ['inspectCertificates', { files: [] }, false],
    ['inspectCertificates', { files: [{ name: 'a.pfx', bytes: 'not base64!' }] }, false],
    ['inspectCertificates', { files: [{ name: 'a.pfx', bytes: new Uint8Array() }] }, false],
    ['inspectCertificates', { files: [{ name: 'a.pfx', bytes: new Uint8Array(1024 * 1024 + 1) }] }, false],
    ['pushCertificate', { inspectionId: 'i1', targets: [{ agentId: 'a1', name: 'www' }] }, true],
    [
      'pushCertificate',
      {
        inspectionId: 'i1',
        targets: [
          { agentId: 'a1', name: 'www' },
          { agentId: 'a1', name: 'www' },
        ],
      },
      false,
    ],
    ['pushCertificate', { inspectionId: 'i1', targets: [], operationId: 'op-12345' }, false],
    [
      'pushCertificate',
      { inspectionId: 'i1', targets: [{ agentId: 'a1', name: 'w' }], operationId: 'x' },
      false,
    ],
    ['replaceCertificate', { inspectionId: 'i1', fingerprint: FP }, true],
    [
      'replaceCertificate',
      { inspectionId: 'i1', fingerprint: FP, agentIds: ['a1', 'a2'], force: true, operationId: 'op-12345' },
      true,
    ],
    ['replaceCertificate', { inspectionId: 'i1', fingerprint: 'AB:CD' }, false],
    ['replaceCertificate', { inspectionId: 'i1' }, false],
    ['replaceCertificate', { inspectionId: 'i1', fingerprint: FP, agentIds: [] }, false],
    ['replaceCertificate', { inspectionId: 'i1', fingerprint: FP, agentIds: ['a1', 'a1'] }, false],
    ['previewTemplate', { template: 'exchange-2010-cas', agentIds: ['a1', 'a2'] }, true],
    ['previewTemplate', { template: 'exchange-2010-cas', agentIds: ['a1', 'a1'] }, false],
    ['previewTemplate', { template: { id: 'custom' }, params: { x: 1 }, agentIds: ['a1'] }, true],
    ['applyTemplate', { template: 'tcp', targets: [{ agentId: 'a1', expectRevision: 4 }] }, true],
    ['applyTemplate', { template: 'tcp', targets: [{ agentId: 'a1' }] }, false],
    ['applyTemplate', { template: 'Not An Id', targets: [{ agentId: 'a1', expectRevision: 4 }] }, false],
  ];

  it.each(cases)('%s %j → accepted: %s', (channel, params, accepted) => {
    expect(CHANNELS[channel].params.safeParse(params).success).toBe(accepted);
  });

  it('decodes base64 file bytes, so the core always gets a Uint8Array', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const parsed = CHANNELS.inspectCertificates.params.parse({
      files: [{ name: 'a.cer', bytes: toBase64(bytes) }],
    });
    expect(parsed.files[0]?.bytes).toEqual(bytes);
  });

  it('upper-cases fingerprints, so pinned ones compare exactly', () => {
    const parsed = CHANNELS.rePairAgent.params.parse({ agentId: 'a1', acceptFingerprint: FP.toLowerCase() });
    expect(parsed.acceptFingerprint).toBe(FP.toUpperCase());
  });

  it('fills in the default management port', () => {
    expect(CHANNELS.pairAgent.params.parse({ address: 'lb1', token: TOKEN }).port).toBe(7443);
  });
});

describe('unwrap', () => {
  it('returns the result', () => {
    expect(unwrap({ result: 42 })).toBe(42);
  });

  it('throws the error as a ConsoleError with its code and details', () => {
    const thrown = (() => {
      try {
        unwrap({ error: { code: 'CONFLICT', message: 'changed', details: { currentRevision: 7 } } });
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBeInstanceOf(ConsoleError);
    expect(thrown).toMatchObject({ code: 'CONFLICT', message: 'changed', details: { currentRevision: 7 } });
  });
});
