import { describe, expect, it } from 'vitest';
import { MAX_CERT_FILE_BYTES, MAX_CERT_FILES } from '../../../shared/ipc/certs.ts';
import { formatBytes, isPfxName, readFiles, refuseFiles } from './read-files.ts';

describe('refuseFiles', () => {
  it('accepts files within the limits', () => {
    expect(
      refuseFiles([
        { name: 'a.pfx', size: 3000 },
        { name: 'b.crt', size: MAX_CERT_FILE_BYTES },
      ]),
    ).toEqual([]);
  });

  it('names an empty file and a too large one with the limit', () => {
    const problems = refuseFiles([
      { name: 'empty.crt', size: 0 },
      { name: 'huge.pfx', size: 5 * MAX_CERT_FILE_BYTES },
      { name: 'just-over.pem', size: MAX_CERT_FILE_BYTES + 1 },
    ]);
    expect(problems).toEqual([
      '"empty.crt" is empty.',
      '"huge.pfx" is 5 MiB; a certificate file is at most 1 MiB.',
      `"just-over.pem" is ${MAX_CERT_FILE_BYTES + 1} bytes; a certificate file is at most 1 MiB.`,
    ]);
  });

  it('refuses too many files and says how many are allowed', () => {
    const files = Array.from({ length: MAX_CERT_FILES + 1 }, (_, i) => ({ name: `${i}.crt`, size: 10 }));
    expect(refuseFiles(files)).toEqual([
      `${MAX_CERT_FILES + 1} files were dropped; at most ${MAX_CERT_FILES} are inspected together. Drop the files of one certificate.`,
    ]);
  });

  it('refuses an empty drop', () => {
    expect(refuseFiles([])).toHaveLength(1);
  });
});

describe('readFiles', () => {
  it('reads each file into a Uint8Array with its name', async () => {
    const read = await readFiles([new File([new Uint8Array([1, 2, 3])], 'a.der'), new File(['hi'], 'b.pem')]);
    expect(read.map((f) => f.name)).toEqual(['a.der', 'b.pem']);
    expect(read[0]?.bytes).toBeInstanceOf(Uint8Array);
    expect([...read[0]!.bytes]).toEqual([1, 2, 3]);
    expect(new TextDecoder().decode(read[1]!.bytes)).toBe('hi');
  });
});

describe('isPfxName / formatBytes', () => {
  it.each([
    ['site.pfx', true],
    ['SITE.P12', true],
    ['site.pfx.pem', false],
    ['chain.p7b', false],
  ])('%s is a PFX: %s', (name, pfx) => expect(isPfxName(name)).toBe(pfx));

  it.each([
    [512, '512 bytes'],
    [2048, '2 KiB'],
    [1536, '1.5 KiB'],
    [3 * 1024 * 1024, '3 MiB'],
  ])('%i bytes → %s', (n, text) => expect(formatBytes(n)).toBe(text));
});
