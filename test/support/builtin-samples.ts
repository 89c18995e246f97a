/**
 * Parameters a test (or a demo) can render every built-in template with: the required ones
 * filled in, everything else left to the template's defaults.
 */
export const BUILTIN_SAMPLES: Record<string, Record<string, unknown>> = {
  'exchange-2010-cas': {
    certificate: 'mail',
    backendCa: 'internal-ca',
    servers: [
      { name: 'cas01', address: '10.0.1.11' },
      { name: 'cas02', address: '10.0.1.12' },
    ],
  },
  'lync-reverse-proxy': {
    certificate: 'lyncweb',
    backendCa: 'internal-ca',
    backendServerName: 'pool01.contoso.local',
    servers: [
      { name: 'fe01', address: '10.0.2.11' },
      { name: 'fe02', address: '10.0.2.12' },
    ],
  },
  'https-offload': { certificate: 'www', servers: [{ name: 'web01', address: '10.0.3.11' }] },
  'https-reencrypt': {
    certificate: 'www',
    backendCa: 'internal-ca',
    servers: [{ name: 'web01', address: '10.0.3.11' }],
  },
  tcp: { port: 3389, servers: [{ name: 'rdp01', address: '10.0.4.11' }] },
  'http-redirect': {},
  'exchange-2016': {
    hostNames: ['mail.contoso.com', 'autodiscover.contoso.com'],
    certificate: 'mail',
    backendCa: 'internal-ca',
    servers: [
      { name: 'ex01', address: '10.0.5.11' },
      { name: 'ex02', address: '10.0.5.12' },
    ],
  },
  adfs: {
    federationServiceName: 'sts.contoso.com',
    certificate: 'sts',
    backendCa: 'internal-ca',
    servers: [{ name: 'adfs01', address: '10.0.6.11' }],
  },
  'one-address': {
    name: 'lync',
    hostNames: ['meet.contoso.com', 'dialin.contoso.com', 'lyncdiscover.contoso.com'],
    certificate: 'lyncweb',
    backendCa: 'internal-ca',
    servers: [{ name: 'fe01', address: '10.0.2.11' }],
    serverPort: 4443,
    port80: 'forward',
    serverHttpPort: 8080,
  },
};
