import { describe, expect, it } from 'vitest';

import { en } from './en';
import { detectLanguage, resources } from './index';
import { zh } from './zh';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const english = flatten(en);
const chinese = flatten(zh);
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('have identical key sets in Chinese and English', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('are registered for both languages', () => {
    expect(Object.keys(resources).sort()).toEqual(['en', 'zh']);
  });

  it('leave no string empty', () => {
    for (const [key, value] of [...english, ...chinese]) {
      expect(value.trim(), key).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, value] of english) {
      expect(placeholders(chinese.get(key) ?? ''), key).toEqual(placeholders(value));
    }
  });

  it('are really translated: every Chinese string has Chinese characters', () => {
    // Pure number layouts that read the same in Chinese.
    const neutral = new Set(['workspace.stats.cellsOf', 'palette.dropCell', 'deleteDialog.loss']);
    for (const [key, value] of chinese) {
      if (neutral.has(key)) expect(value.replace(/\{\{\w+\}\}/g, ''), key).not.toMatch(/[A-Za-z]/);
      else expect(value, key).toMatch(/\p{Script=Han}/u);
    }
  });
});

describe('detectLanguage', () => {
  it('follows a Chinese system locale', () => {
    expect(detectLanguage(null, ['zh-CN', 'en-US'])).toBe('zh');
    expect(detectLanguage(null, ['zh'])).toBe('zh');
    expect(detectLanguage(null, ['zh-Hans-CN'])).toBe('zh');
  });

  it('falls back to English for any other or no locale', () => {
    expect(detectLanguage(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(detectLanguage(null, ['de-DE'])).toBe('en');
    expect(detectLanguage(null, [])).toBe('en');
  });

  it('prefers the choice the user made', () => {
    expect(detectLanguage('en', ['zh-CN'])).toBe('en');
    expect(detectLanguage('zh', ['en-US'])).toBe('zh');
    expect(detectLanguage('fr', ['zh-CN'])).toBe('zh');
  });
});
