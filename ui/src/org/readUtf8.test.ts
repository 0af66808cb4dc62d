import { describe, expect, it } from 'vitest';

import { BackendError } from '../lib/backend';
import { readUtf8 } from './CsvTools';

describe('reading a chosen CSV file', () => {
  it('returns UTF-8 text as it is, Chinese included', async () => {
    const text = 'id,name\nE001,张建国\n';
    await expect(readUtf8(new Blob([text]), 'not utf-8')).resolves.toBe(text);
  });

  it('refuses a GBK file instead of garbling it', async () => {
    // "张" in GBK is D5 C5: not valid UTF-8.
    const gbk = new Uint8Array([0x69, 0x64, 0x0a, 0xd5, 0xc5, 0x0a]);
    const read = readUtf8(new Blob([gbk]), 'employees.csv is not UTF-8');
    await expect(read).rejects.toBeInstanceOf(BackendError);
    await expect(read).rejects.toMatchObject({ code: 'invalidInput', message: 'employees.csv is not UTF-8' });
  });
});
