/**
 * The profile editor as a county user uses it: copy
 * the built-in 夏县 profile, change a distance, the station types of air.station-catering, the
 * survey triggers, the river list of river.agri-chemical-limit and the 一住两公 prefixes; a blank
 * river name is refused with the field named; the saved project profile is stored exactly as typed
 * and becomes the profile in force. Real Chromium against `landgate serve`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Profile } from '../../shared/rules/profile';
import { type DemoSession, openDemoSession, screenshotTo } from '../support/browser';

let session: DemoSession;
let page: Page;

beforeAll(async () => {
  session = await openDemoSession('landgate-e2e-profile-');
  page = session.page;
}, 180_000);

afterAll(async () => {
  await session?.close();
});

const getProfile = (id: string) =>
  page.evaluate(async (profileId) => {
    // the page's own way in: the session token the host wrote into index.html
    const token = document.querySelector<HTMLMetaElement>('meta[name="landgate-session"]')?.content ?? '';
    const r = await fetch('/api/getProfile', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-LandGate-Session': token }, body: JSON.stringify({ id: profileId }) });
    return (await r.json()) as Profile;
  }, id);

describe('profile editor', () => {
  it('edits list parameters of a copied profile and saves them as typed', async () => {
    await page.getByTestId('profile-select').selectOption('xiaxian');
    await page.getByTestId('profile-edit').click();
    const editor = page.getByTestId('profile-editor');
    await editor.waitFor();
    // The built-in values are shown: all three station types, one survey trigger, 涑水河 1000 m.
    expect(await page.getByTestId('profile-station-air-township').isChecked()).toBe(true);
    expect(await page.getByTestId('profile-survey-sensitive-use-change').isChecked()).toBe(true);
    expect(await page.getByTestId('profile-survey-food-processing').isChecked()).toBe(false);
    expect(await page.getByTestId('profile-river-name-0').inputValue()).toBe('涑水河');
    expect(await page.getByTestId('profile-river-distance-0').inputValue()).toBe('1000');

    await page.getByTestId('profile-editor-id').fill('xiaxian-meeting');
    await page.getByTestId('profile-param-stationBufferM').fill('800');
    await page.getByTestId('profile-station-air-township').uncheck();
    await page.getByTestId('profile-survey-food-processing').check();
    await page.getByTestId('profile-river-distance-0').fill('1500');
    await page.getByTestId('profile-river-add').click();
    await screenshotTo(page, 'profile-editor-lists');
    // The dialog covers the map's own buttons (it once sat under 报件审查 / 汇报模式).
    const dialogOnTop = await page.evaluate(() => {
      const box = document.querySelector('[data-testid=open-review]')!.getBoundingClientRect();
      return !!document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)?.closest('[data-testid=profile-editor]');
    });
    expect(dialogOnTop).toBe(true);

    // A river row left without a name is refused, naming the field.
    await page.getByTestId('profile-editor-save').click();
    const error = page.getByTestId('profile-editor-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/riverAgriLimits\[1\]\.river/);
    expect(await error.textContent()).toMatch(/非空字符串/);

    await page.getByTestId('profile-river-name-1').fill('姚暹渠');
    await page.getByTestId('profile-river-distance-1').fill('1200');
    await page.getByTestId('profile-param-sensitiveUsePrefixes').fill('07，08、A');
    await page.getByTestId('profile-editor-save').click();
    await editor.waitFor({ state: 'detached' });
    // The project reloads its profile list; then the new profile is the one in force.
    await expect.poll(() => page.getByTestId('profile-select').inputValue()).toBe('xiaxian-meeting');
    // Saying what was saved is news, not an error: a status banner, not an alert.
    const notice = page.getByTestId('app-notice');
    expect(await notice.textContent()).toContain('已保存规则');
    expect(await notice.getAttribute('role')).toBe('status');
    expect(await notice.getAttribute('class')).toContain('notice-info');

    const saved = await getProfile('xiaxian-meeting');
    expect(saved.basedOn).toBe('xiaxian');
    expect(saved.localDocuments).toEqual(['夏政办发〔2024〕19号']);
    expect(saved.parameters.stationBufferM).toBe(800);
    expect(saved.parameters.stationTypes).toEqual(['air-national', 'air-provincial']);
    expect(saved.parameters.surveyTargets).toEqual(['sensitive-use-change', 'food-processing']);
    expect(saved.parameters.riverAgriLimits).toEqual([
      { river: '涑水河', distanceM: 1500 },
      { river: '姚暹渠', distanceM: 1200 },
    ]);
    expect(saved.parameters.sensitiveUsePrefixes).toEqual(['07', '08', 'A']);
    // The built-in profile is untouched.
    const builtin = await getProfile('xiaxian');
    expect(builtin.parameters.riverAgriLimits).toEqual([{ river: '涑水河', distanceM: 1000 }]);
  });

  it('removes a river and clears the prefixes when editing the project profile', async () => {
    await page.getByTestId('profile-edit').click();
    await page.getByTestId('profile-editor').waitFor();
    expect(await page.getByTestId('profile-editor-id').isDisabled()).toBe(true);
    await page.getByTestId('profile-river-remove-0').click();
    expect(await page.getByTestId('profile-river-name-0').inputValue()).toBe('姚暹渠');
    await page.getByTestId('profile-param-sensitiveUsePrefixes').fill('');
    await page.getByTestId('profile-editor-save').click();
    await page.getByTestId('profile-editor').waitFor({ state: 'detached' });
    const saved = await getProfile('xiaxian-meeting');
    expect(saved.parameters.riverAgriLimits).toEqual([{ river: '姚暹渠', distanceM: 1200 }]);
    expect(saved.parameters.sensitiveUsePrefixes).toBeUndefined();
    expect(saved.version).not.toBe('1');
  });
});
