/**
 * 编辑属性 end to end in Chromium against `landgate serve` on the demo project: a permitted parcel
 * in the quasi zone is told it is a seriously water-polluting project and the verdict turns to
 * 不予准入 at once; ticking 不涉及以下类型 brings it back; once a decision is signed the form is
 * read-only with the reason. Screenshots: test-artifacts/e2e/attrs-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type DemoSession, openDemoSession, postApi, screenshotTo } from '../support/browser';

let session: DemoSession;
let page: Page;

beforeAll(async () => {
  session = await openDemoSession('landgate-e2e-attrs-');
  page = session.page;
}, 240_000);

afterAll(async () => {
  await session?.close();
});

async function callApi<T>(method: string, body: unknown): Promise<T> {
  const response = await postApi<T>(session.url, method, body);
  expect(response.ok).toBe(true);
  return response.body;
}

const verdict = () => page.getByTestId('verdict').getAttribute('data-verdict');

describe('编辑属性 in the 审查结论 panel', () => {
  it('sets the project type and the verdict follows at once', async () => {
    await page.getByTestId('parcel-search').fill('XX-2026-028');
    await page.getByTestId('parcel-item-XX-2026-028').click();
    await expect.poll(verdict, { timeout: 60_000 }).toBe('permitted');

    await page.getByTestId('attrs-edit').click();
    await page.getByTestId('attrs-form').waitFor();
    expect(await page.getByTestId('attrs-plannedUse').inputValue()).toBe('0901');
    expect(await page.getByTestId('attrs-projectType-none').isChecked()).toBe(true);
    await page.getByTestId('attrs-projectType-heavy-water-polluting').check();
    expect(await page.getByTestId('attrs-projectType-none').isChecked()).toBe(false);
    await screenshotTo(page, 'attrs-01-form');
    await page.getByTestId('attrs-save').click();
    await expect.poll(verdict, { timeout: 60_000 }).toBe('prohibited');
    expect(await page.getByTestId('attrs-form').count()).toBe(0);
    await screenshotTo(page, 'attrs-02-prohibited');

    await page.getByTestId('attrs-edit').click();
    await page.getByTestId('attrs-projectType-none').check();
    await page.getByTestId('attrs-soilSurvey').selectOption('passed');
    await page.getByTestId('attrs-save').click();
    await expect.poll(verdict, { timeout: 60_000 }).toBe('permitted');
    const stored = await callApi<{ attributes: { key: string; value?: unknown }[] }>('getParcelAttributes', { table: 'parcels', parcelId: 'XX-2026-028' });
    expect(stored.attributes.find((a) => a.key === 'projectType')?.value).toEqual([]);
    expect(stored.attributes.find((a) => a.key === 'soilSurvey')?.value).toBe('passed');
    expect(session.traffic.pageErrors).toEqual([]);
  });

  it('is read-only with the reason once a signed decision stands', async () => {
    await callApi('signDecision', {
      table: 'parcels',
      parcelId: 'XX-2026-028',
      decision: 'approved',
      opinion: '同意准入。',
      conditions: [],
      signature: { name: '测试审查员', department: '夏县自然资源局', date: '2026-11-22' },
    });
    await page.getByTestId('attrs-edit').click();
    await page.getByTestId('attrs-locked').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('attrs-locked').textContent()).toContain('退回补正');
    expect(await page.getByTestId('attrs-save').count()).toBe(0);
    expect(await page.getByTestId('attrs-plannedUse').isDisabled()).toBe(true);
    await screenshotTo(page, 'attrs-03-locked');
  });
});
