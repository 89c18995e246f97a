import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CertInspection } from '../../../shared/ipc/certs.ts';
import { MAX_CERT_FILE_BYTES } from '../../../shared/ipc/certs.ts';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { copy, INTERMEDIATE, inspection, LEAF, ROOT } from './cert-fixtures.ts';
import { CertificatesScreen } from './certificates-screen.tsx';

afterEach(cleanup);

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(fleet(agent('a1', 'east'))),
    fleetCertificates: ok({ certificates: [], unreachable: [] }),
    inspectCertificates: ok(inspection()),
    ...handlers,
  });
  return { test, ...renderWithApi(<CertificatesScreen />, test) };
}

/** One stored copy, so the fleet table and its row actions are on screen. */
const ONE_COPY = { fleetCertificates: ok({ certificates: [copy('legacy', 'a1')], unreachable: [] }) };

const file = (name: string, bytes: number[] = [0x30, 0x82, 0x01]) => new File([new Uint8Array(bytes)], name);

function drop(...files: File[]) {
  fireEvent.drop(screen.getByRole('region', { name: 'Certificate files' }), { dataTransfer: { files } });
}

/** Lets a wrongly started inspection reach the api before asserting that nothing was sent. */
const settle = () => act(async () => new Promise<void>((r) => setTimeout(r, 0)));

type InspectParams = { files: { name: string; bytes: Uint8Array; password?: string }[] };
const inspectCalls = (test: ReturnType<typeof createTestApi>) =>
  test.calls.filter((c) => c.channel === 'inspectCertificates').map((c) => c.params as InspectParams);

describe('CertificatesScreen: dropping files', () => {
  it('shows the stored copies in one fleet table, read with one fan-out', async () => {
    const { test } = setup(ONE_COPY);
    await screen.findByRole('row', { name: 'legacy on edge-a1 (legacy.example.com)' });
    expect(screen.getAllByRole('table')).toHaveLength(1);
    expect(screen.getByRole('heading', { name: 'Certificates across the fleet' })).toBeTruthy();
    expect(test.calls.filter((c) => c.channel === 'fleetCertificates')).toHaveLength(1);
    // The old per-fingerprint usage list is not asked for: the fleet table holds where each copy is.
    expect(test.calls.some((c) => c.channel === 'certificateUsage')).toBe(false);
  });

  it('starts empty: nothing inspected, nothing sent', async () => {
    const { test } = setup();
    expect(screen.getByText(/No certificate inspected yet/)).toBeTruthy();
    expect(await screen.findByText(/No certificates are stored/)).toBeTruthy();
    await settle();
    expect(screen.queryByRole('list', { name: 'Chain, leaf first' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Choose files…' })).toBeTruthy();
    expect(inspectCalls(test)).toEqual([]);
  });

  it('sends the dropped files with their names and bytes, then draws the chain', async () => {
    const { test } = setup();
    drop(file('leaf.pem', [1, 2, 3]), file('chain.crt', [4, 5]));
    await screen.findByRole('list', { name: 'Chain, leaf first' });
    const [params] = inspectCalls(test);
    expect(params?.files.map((f) => f.name)).toEqual(['leaf.pem', 'chain.crt']);
    expect(params?.files[0]?.bytes).toBeInstanceOf(Uint8Array);
    expect([...params!.files[0]!.bytes]).toEqual([1, 2, 3]);
    expect([...params!.files[1]!.bytes]).toEqual([4, 5]);
    expect(params?.files[0]).not.toHaveProperty('password');
  });

  it('takes files from the picker too', async () => {
    const { test } = setup();
    fireEvent.change(screen.getByLabelText('Choose certificate files'), {
      target: { files: [file('leaf.cer')] },
    });
    await waitFor(() => expect(inspectCalls(test)).toHaveLength(1));
    expect(inspectCalls(test)[0]?.files[0]?.name).toBe('leaf.cer');
  });

  it('refuses a too large file up front, naming it and the limit, and sends nothing', async () => {
    const { test } = setup();
    const big = new File([new Uint8Array(MAX_CERT_FILE_BYTES * 2)], 'huge.pfx');
    drop(file('ok.pem'), big);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Nothing was sent');
    expect(alert.textContent).toContain('"huge.pfx" is 2 MiB; a certificate file is at most 1 MiB.');
    expect(screen.queryByLabelText(/Password for/)).toBeNull();
    await settle();
    expect(inspectCalls(test)).toEqual([]);
  });

  it('refuses an empty file and too many files', async () => {
    const { test } = setup();
    drop(file('empty.crt', []));
    expect((await screen.findByRole('alert')).textContent).toContain('"empty.crt" is empty.');
    drop(...Array.from({ length: 17 }, (_, i) => file(`${i}.crt`)));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('at most 16'));
    await settle();
    expect(inspectCalls(test)).toEqual([]);
  });
});

describe('CertificatesScreen: passwords', () => {
  it('asks for the PFX password first, sends it, asks again when wrong, and never shows it', async () => {
    const wrong = inspection({
      inspectionId: 'insp-wrong',
      chain: [],
      key: undefined,
      pushable: false,
      errors: [
        {
          code: 'WRONG_PASSWORD',
          message: 'the password does not open this PFX — check it',
          file: 'site.pfx',
        },
      ],
    });
    const { test } = setup({ inspectCertificates: ok(wrong) });
    drop(file('site.pfx'));

    const field = (await screen.findByLabelText('Password for site.pfx')) as HTMLInputElement;
    expect(field.type).toBe('password');
    await settle();
    expect(inspectCalls(test)).toEqual([]);
    fireEvent.change(field, { target: { value: 'not-it-42' } });
    fireEvent.click(screen.getByRole('button', { name: 'Inspect' }));

    // The inspection says the password is wrong: the field is asked for again, with why.
    await waitFor(() => expect(inspectCalls(test)).toHaveLength(1));
    expect(inspectCalls(test)[0]?.files[0]?.password).toBe('not-it-42');
    const again = (await screen.findByLabelText('Password for site.pfx')) as HTMLInputElement;
    await waitFor(() => expect(again.getAttribute('aria-invalid')).toBe('true'));
    expect(again.value).toBe('');
    expect(document.body.textContent).toContain('The password does not open this PFX — check it.');
    expect(document.body.textContent).not.toContain('not-it-42');

    test.handle('inspectCertificates', ok(inspection()));
    fireEvent.change(again, { target: { value: 'right-one' } });
    fireEvent.submit(screen.getByRole('form', { name: 'File passwords' }));
    await screen.findByRole('list', { name: 'Chain, leaf first' });
    expect(inspectCalls(test)[1]?.files[0]?.password).toBe('right-one');
    expect(screen.queryByLabelText('Password for site.pfx')).toBeNull();
    expect(document.body.textContent).not.toContain('right-one');
  });

  it('asks for a password when the inspection says a file needs one (an encrypted PEM key)', async () => {
    const { test } = setup({
      inspectCertificates: ok(
        inspection({
          pushable: false,
          errors: [{ code: 'PASSWORD_REQUIRED', message: 'this private key is protected', file: 'key.pem' }],
        }),
      ),
    });
    drop(file('cert.pem'), file('key.pem'));
    const field = await screen.findByLabelText('Password for key.pem');
    expect(screen.queryByLabelText('Password for cert.pem')).toBeNull();
    fireEvent.change(field, { target: { value: 'k' } });
    fireEvent.click(screen.getByRole('button', { name: 'Inspect' }));
    await waitFor(() => expect(inspectCalls(test)).toHaveLength(2));
    expect(inspectCalls(test)[1]?.files.map((f) => f.password)).toEqual([undefined, 'k']);
  });

  it('refuses two different passwords for files inspected together', async () => {
    const { test } = setup();
    drop(file('a.pfx'), file('b.p12'));
    fireEvent.change(await screen.findByLabelText('Password for a.pfx'), { target: { value: 'one' } });
    fireEvent.change(screen.getByLabelText('Password for b.p12'), { target: { value: 'two' } });
    fireEvent.click(screen.getByRole('button', { name: 'Inspect' }));
    expect(screen.getByRole('alert').textContent).toMatch(/share one password/);
    await settle();
    expect(inspectCalls(test)).toEqual([]);
  });
});

describe('CertificatesScreen: the inspection', () => {
  async function inspected(result: CertInspection) {
    const ctx = setup({ ...ONE_COPY, inspectCertificates: ok(result) });
    drop(file('leaf.pem'));
    const chain = await screen.findByRole('list', { name: 'Chain, leaf first' });
    return { ...ctx, chain };
  }

  it('draws a complete chain leaf → root with where each link came from', async () => {
    const { chain } = await inspected(inspection());
    const cards = within(chain).getAllByRole('article');
    expect(cards.map((c) => c.getAttribute('aria-label'))).toEqual([
      'Leaf: www.example.com',
      'Intermediate: Example Issuing CA',
      'Root: Example Root CA',
    ]);
    expect(cards[0]?.textContent).toContain('from file "site.pfx"');
    expect(cards[1]?.textContent).toContain('downloaded from http://ca.example.com/issuing.crt (AIA)');
    expect(cards[2]?.textContent).toContain("from this machine's trusted roots");
    // SANs on the leaf only; fingerprint short with the full one in its title.
    expect(cards[0]?.textContent).toContain('www.example.com, owa.example.com, 192.0.2.1');
    expect(cards[1]?.textContent).not.toContain('Names (SANs)');
    const fingerprint = within(cards[0]!).getByTitle(LEAF.summary.fingerprint);
    expect(fingerprint.textContent).toBe('1A:1A:1A:1A…1A:1A');
    expect(screen.getByText(/complete and ends at a root this machine trusts/)).toBeTruthy();
    expect(screen.getByText(/RSA 2048 from site.pfx: matches the leaf certificate/)).toBeTruthy();
  });

  it('highlights an expiring and an expired link, in words and style', async () => {
    const { chain } = await inspected(inspection());
    const [, intermediate, root] = within(chain).getAllByRole('article');
    expect(intermediate?.className).toContain('expiry-soon');
    expect(within(intermediate!).getByText(/10 days left/).className).toContain('expiry-soon');
    expect(root?.className).toContain('expiry-expired');
    expect(within(root!).getByText(/expired 2 days ago/).className).toContain('expiry-expired');
    expect(within(chain).getAllByRole('article')[0]?.className).toContain('expiry-ok');
  });

  it('says what is missing from an incomplete chain and which downloads were tried', async () => {
    const { chain } = await inspected(
      inspection({
        chain: [LEAF],
        complete: false,
        trusted: false,
        missing: {
          subject: LEAF.summary.subject,
          fingerprint: LEAF.summary.fingerprint,
          issuer: LEAF.summary.issuer,
          aia: [{ url: 'http://ca.example.com/issuing.crt', ok: false, error: 'HTTP 404' }],
        },
        warnings: [{ code: 'ISSUER_MISSING', message: 'the issuer of www.example.com was found nowhere' }],
      }),
    );
    const missing = within(chain).getByRole('article', { name: 'Missing issuer' });
    expect(missing.textContent).toContain(
      'The issuer of www.example.com — “CN=Example Issuing CA, O=Example” — was not found',
    );
    expect(missing.textContent).toContain('Tried AIA URL http://ca.example.com/issuing.crt: HTTP 404');
    expect(screen.getByText('The chain is incomplete.')).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Warnings' }).textContent).toContain(
      'The issuer of www.example.com was found nowhere.',
    );
  });

  it('shows errors as alerts, warnings as a list, unused certificates and ignored parts', async () => {
    await inspected(
      inspection({
        errors: [{ code: 'KEY_MISMATCH', message: 'the private key does not belong to this certificate' }],
        warnings: [
          { code: 'CHAIN_REORDERED', message: 'the certificates were out of order', file: 'leaf.pem' },
        ],
        unused: [{ summary: INTERMEDIATE.summary, source: 'file', origin: 'old.crt' }],
        files: [
          {
            name: 'leaf.pem',
            format: 'mixed',
            certificates: 2,
            keys: 1,
            ignored: ['a CERTIFICATE REQUEST block'],
          },
        ],
        key: { keyType: 'EC P-256', matchesLeaf: false, file: 'leaf.pem' },
        pushable: false,
      }),
    );
    const alert = screen
      .getAllByRole('alert')
      .find((a) => a.textContent?.includes('private key does not belong'));
    expect(alert?.textContent).toBe('Error: The private key does not belong to this certificate.');
    expect(screen.getByRole('list', { name: 'Warnings' }).textContent).toContain(
      'Warning in leaf.pem: The certificates were out of order.',
    );
    expect(screen.getByRole('list', { name: 'Certificates not used' }).textContent).toContain(
      'Example Issuing CA (from file "old.crt")',
    );
    expect(screen.getByRole('list', { name: 'Files read' }).textContent).toContain(
      'leaf.pem: mixed PEM, 2 certificates, 1 key — ignored: a CERTIFICATE REQUEST block',
    );
    expect(screen.getByText(/EC P-256 from leaf.pem: does NOT match the leaf/)).toBeTruthy();
  });

  it('disables the push and says why when the inspection is not pushable', async () => {
    await inspected(inspection({ key: undefined, pushable: false, chain: [LEAF, ROOT] }));
    const push = await screen.findByRole('button', { name: /Push to/ });
    expect((push as HTMLButtonElement).disabled).toBe(true);
    const reason = document.getElementById(push.getAttribute('aria-describedby')!);
    expect(reason?.textContent).toMatch(/It cannot be pushed: no private key was given/);
    // No replace offered with something that cannot be pushed (the copy's row offers Delete only).
    await screen.findByRole('button', { name: /^Delete legacy\.example\.com/ });
    expect(screen.queryByRole('button', { name: /Replace/ })).toBeNull();
  });

  it('shows a failed inspection inline, with a retry that sends the files again', async () => {
    const { test } = setup({ inspectCertificates: fail('INTERNAL', 'the worker crashed (ref 7)') });
    drop(file('leaf.pem'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the worker crashed (ref 7)');
    test.handle('inspectCertificates', ok(inspection()));
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Retry' })));
    await screen.findByRole('list', { name: 'Chain, leaf first' });
    expect(inspectCalls(test)).toHaveLength(2);
  });
});

describe('CertificatesScreen: certificates from an ACME CA', () => {
  it('opens the request form without a file dropped, and closes it', async () => {
    setup();
    fireEvent.click(screen.getByRole('button', { name: 'Request a certificate' }));
    const form = await screen.findByRole('form', { name: 'Request a certificate' });
    expect(within(form).getByRole('radio', { name: /Let’s Encrypt staging/ })).toHaveProperty(
      'checked',
      true,
    );
    expect(screen.queryByRole('button', { name: 'Request a certificate' })).toBeNull();
    fireEvent.click(within(form).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('form', { name: 'Request a certificate' })).toBeNull();
    expect(await screen.findByText(/No certificates are stored/)).toBeTruthy();
  });
});
