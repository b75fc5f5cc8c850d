/**
 * English is the second locale of every panel of the review workbench: with English chosen, the
 * workbench tabs, the exchange panel, the 新建报件 form and the drawing panel show no Chinese of
 * their own (data values such as parcel names, layer titles and dates stay as they are).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { type DemoSession, openDemoSession, screenshotTo } from '../support/browser';

let session: DemoSession;
let page: Page;

beforeAll(async () => {
  session = await openDemoSession('landgate-e2e-en-');
  page = session.page;
  await page.getByTestId('locale-select').selectOption('en');
}, 180_000);

afterAll(async () => {
  await session?.close();
});

const HAN = /\p{Script=Han}/u;

/** The panel's own text: labels, buttons, hints — without the data shown in it. */
async function ownText(panel: Locator, dataSelectors: string[] = []): Promise<string> {
  return panel.evaluate((root, selectors) => {
    const copy = root.cloneNode(true) as HTMLElement;
    for (const selector of selectors) copy.querySelectorAll(selector).forEach((el) => el.remove());
    // option labels of data selects (layers, profiles) are data too
    copy.querySelectorAll('option').forEach((el) => el.remove());
    copy.querySelectorAll('input, textarea').forEach((el) => el.setAttribute('value', ''));
    return `${copy.innerText}\n${[...copy.querySelectorAll('[placeholder]')].map((el) => el.getAttribute('placeholder')).join('\n')}`;
  }, dataSelectors);
}

describe('English locale of the workbench and the drawing panel', () => {
  it('shows the workbench tabs and the exchange panel in English', async () => {
    await page.getByTestId('open-review').click();
    const tabs = await page.locator('.wb-tabs').innerText();
    expect(tabs).toContain('Exchange');
    expect(tabs).not.toMatch(HAN);
    await page.getByTestId('review-tab-exchange').click();
    const panel = page.getByTestId('exchange-panel');
    await panel.waitFor();
    const exchange = await ownText(panel);
    expect(exchange).toMatch(/review package/i);
    expect(exchange).not.toMatch(HAN);
    await screenshotTo(page, 'en-exchange');
  });

  it('shows the new-submission form in English', async () => {
    await page.getByTestId('review-tab-list').click();
    await page.getByTestId('submission-new').click();
    const form = page.getByTestId('new-submission');
    await form.waitFor();
    // parcel ids and names in the checklist are data
    const text = await ownText(form, ['ul']);
    expect(text).toContain('New submission');
    expect(text).toContain('Applicant');
    expect(text).not.toMatch(HAN);
    await page.getByTestId('new-sub-cancel').click();
    await page.getByTestId('open-review').click();
  });

  it('shows the drawing toolbar and panel in English', async () => {
    const toolbar = page.getByTestId('edit-toolbar');
    expect(await toolbar.innerText()).not.toMatch(HAN);
    await page.getByTestId('edit-draw').click();
    const panel = page.getByTestId('edit-panel');
    await panel.waitFor();
    const drawing = await ownText(panel);
    expect(drawing).toContain('Drawing a new parcel');
    expect(drawing).not.toMatch(HAN);
    expect(await toolbar.innerText()).toContain('Undo');
    expect(await toolbar.innerText()).not.toMatch(HAN);
    await screenshotTo(page, 'en-drawing');
    await page.keyboard.press('Escape');
  });
});
