/**
 * English is the second locale of every panel: with English chosen, a checked parcel's findings
 * (rendered from their codes and parameters), a refusal from the API, the workbench tabs, the
 * exchange panel, the 新建报件 form and the drawing panel show no Chinese of their own (data
 * values such as parcel and feature names, layer titles and dates stay as they are).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { ParcelPage } from '../../shared/api/contract';
import type { CheckReport, Finding } from '../../shared/model/check';
import { EN_SEPARATORS, isCodedText, renderText, type CodedText, type TextParam } from '../../shared/model/text';
import { findingMessages } from '../../shared/rules/messages';
import { type DemoSession, openDemoSession, postApi, screenshotTo } from '../support/browser';

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

/** A finding in English as the catalogue words it (what the UI must show). */
const english = (f: Finding) => renderText({ code: f.code!, params: f.params } as CodedText, { template: (code) => findingMessages()[code]?.[1], separators: EN_SEPARATORS });

/** The data a finding quotes (names, ids, codes, figures): the only text that may stay Chinese. */
function quoted(value: TextParam | undefined, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (value && typeof value === 'object') {
    if (isCodedText(value)) Object.values(value.params ?? {}).forEach((v) => quoted(v, into));
    else value.list.forEach((v) => quoted(v, into));
  }
  return into;
}

describe('English findings of a checked parcel', () => {
  it('shows the findings of a checked demo parcel in English, worded from their codes', async () => {
    const profile = await page.getByTestId('profile-select').inputValue();
    // the demo parcel with the most kinds of finding, among them an overlap and the survey rule
    const list = await postApi<ParcelPage>(session.url, 'queryParcels', { offset: 0, limit: 100 });
    expect(list.ok).toBe(true);
    let best: { table: string; id: string; kinds: number } | null = null;
    for (const parcel of list.body.rows) {
      const report = await postApi<CheckReport>(session.url, 'checkParcel', { table: parcel.table, parcelId: parcel.id, profile });
      expect(report.ok, JSON.stringify(report.body)).toBe(true);
      const found = report.body.parcels[0].findings;
      if (!found.some((f) => f.rule === 'soil.survey-required') || !found.some((f) => f.overlapM2 !== undefined)) continue;
      const kinds = new Set(found.map((f) => f.code)).size;
      if (!best || kinds > best.kinds) best = { table: parcel.table, id: parcel.id, kinds };
    }
    expect(best, 'a demo parcel with an overlap and the survey rule').not.toBeNull();
    const { table, id } = best!;
    // the survey status made unknown, as a reviewer may leave it: the survey rule asks for it (需补充)
    const cleared = await postApi<{ report: CheckReport }>(session.url, 'setParcelAttributes', { table, parcelId: id, changes: { soilSurvey: null }, profile });
    expect(cleared.ok, JSON.stringify(cleared.body)).toBe(true);
    const findings = cleared.body.report.parcels[0].findings;
    expect(findings.some((f) => (f as { missing?: string[] }).missing?.length)).toBe(true);

    await page.getByTestId('parcel-search').fill(id);
    await page.getByTestId(`parcel-item-${id}`).click();
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('finding').count(), { timeout: 30_000 }).toBe(findings.length);
    expect(await verdict.textContent()).toMatch(/^(Prohibited|Conditionally permitted|Permitted)$/);

    const shown = await page.locator('[data-testid="finding"] .finding-message').allTextContents();
    expect(shown).toEqual(findings.map(english));
    expect(shown.join('\n')).toContain('To be supplied: ');
    expect(shown.join('\n')).toMatch(/overlaps .+ by [\d.]+ m² \([\d.]+ ha, [\d.]+ mu\)/);
    findings.forEach((finding, i) => {
      const words = quoted({ code: finding.code!, params: finding.params }).reduce((text, data) => text.split(data).join(''), shown[i]);
      expect(words, `${finding.rule}: ${shown[i]}`).not.toMatch(HAN);
    });
    // the rule line names the rule by its English title (its id stays in the tooltip)
    for (const rule of await page.locator('[data-testid="finding"] .finding-rule').allTextContents()) {
      expect(rule).toMatch(/^Rule: /);
      expect(rule).not.toMatch(HAN);
    }
    await screenshotTo(page, 'en-findings');
  });

  it('shows a refusal of the API in English', async () => {
    await page.getByTestId('attrs-edit').click();
    await page.getByTestId('attrs-form').waitFor();
    await page.getByTestId('attrs-plannedUse').fill('QQ99');
    await page.getByTestId('attrs-save').click();
    const error = page.getByTestId('attrs-error');
    await error.waitFor({ timeout: 30_000 });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('"QQ99" is not allowed');
    expect(text).not.toMatch(HAN);
    await page.getByTestId('attrs-cancel').click();
  });

  it('suggests the release conditions in English beside the Chinese the decision is signed in', async () => {
    await page.getByTestId('open-review').click();
    await page.getByTestId('review-tab-review').click();
    const hint = page.getByTestId('review-conditions-suggested');
    await hint.waitFor({ timeout: 30_000 });
    const text = (await hint.textContent()) ?? '';
    // the survey status was cleared above: the condition asks for it, in English
    expect(text).toContain('Supply soil pollution survey status, then check again');
    expect(text).not.toMatch(HAN);
    // the decision's own text stays in the language it is signed and printed in
    expect(await page.getByTestId('review-conditions').inputValue()).toContain('补充土壤污染状况调查情况后重新审查');
    await screenshotTo(page, 'en-conditions');
    await page.getByTestId('open-review').click();
  });
});

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
