// Browser test of clasm serve: headless Debian chromium driven by playwright-core.
// usage: node questionnaire.js URL WORKDIR
// A contract manager's path: fill the deal, tick risks and watch the plan change,
// fix a field the page flags, download the draft, rationale and deal file, check
// the draft holds the chosen clauses, then inspect it on the inspect page.
// Prints PASS/FAIL lines; exits 1 when any check failed.
'use strict';

const { chromium } = require('playwright-core');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [url, work] = process.argv.slice(2);
const clasm = process.env.CLASM;
let failed = 0;

function check(name, cond, detail) {
  if (cond) {
    console.log('PASS browser: ' + name);
  } else {
    failed++;
    console.log('FAIL browser: ' + name + (detail === undefined ? '' : ': ' + JSON.stringify(detail)));
  }
}

async function planIds(page) {
  return page.$$eval('#plan-body li[data-clause]', (lis) => lis.map((li) => li.dataset.clause));
}

async function waitPlan(page, pred, what) {
  try {
    await page.waitForFunction(pred, null, { timeout: 15000 });
    return true;
  } catch (e) {
    console.log('# waiting for ' + what + ' timed out: ' + e.message.split('\n')[0]);
    return false;
  }
}

async function download(page, click) {
  const wait = page.waitForEvent('download', { timeout: 20000 }).catch(async (e) => {
    throw new Error(e.message.split('\n')[0] + '; the page says: ' +
      (await page.textContent('#plan-status')) + ' ' + (await page.textContent('#plan-errors')));
  });
  const [dl] = await Promise.all([wait, click()]);
  const file = path.join(work, dl.suggestedFilename());
  await dl.saveAs(file);
  return file;
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  // Script errors and CSP violations; answers 4xx the test asks for are not problems.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() === 404) problems.push('404 for ' + r.url());
  });
  page.on('pageerror', (e) => problems.push(String(e)));

  try {
    await page.goto(url);
    await page.waitForSelector('#risk-areas input[type=checkbox]');
    const areas = await page.$$eval('#risk-areas fieldset.area legend', (ls) => ls.map((l) => l.textContent));
    check('the questionnaire shows the four areas of the guidance as sections', areas.length === 4, areas);
    const nrisks = await page.$$eval('#risk-areas input[type=checkbox]', (c) => c.length);
    const cat = await (await page.request.get(url + 'api/risks')).json();
    check('every risk of the catalogue is a checkbox with a label', nrisks === cat.risks.length &&
      (await page.$$eval('#risk-areas input[type=checkbox]', (cs) => cs.every((c) => c.labels.length === 1))),
    [nrisks, cat.risks.length]);
    check('every declared term is a form field', (await page.$$eval('#term-fields input', (i) => i.length)) === cat.terms.length);

    // Describe the deal.
    await page.click('#load-example');
    await page.fill('#f-id', 'Q-BROWSER-1');
    check('with no risk ticked the plan is the baseline tier',
      await waitPlan(page, () => document.querySelector('.tier-name') &&
        document.querySelector('.tier-name').textContent === 'baseline' &&
        document.querySelector('#plan-status').textContent.includes('Q-BROWSER-1'), 'baseline plan'));
    const before = await planIds(page);
    check('a term with a library default is left empty, the default shown in its place',
      (await page.inputValue('#t-cure_period_days')) === '' &&
      (await page.getAttribute('#t-cure_period_days', 'placeholder')) === '30 (default)');
    check('the plan lists the library defaults the deal uses',
      await waitPlan(page, () => {
        const li = document.querySelector('.defaults li[data-term="cure_period_days"]');
        return li && li.textContent === 'cure period days: 30';
      }, 'defaults'));
    await page.fill('#t-cure_period_days', '45');
    check('a term the deal sets is no longer a default',
      await waitPlan(page, () => document.querySelector('.tier-name') &&
        !document.querySelector('.defaults li[data-term="cure_period_days"]') &&
        document.querySelector('.defaults li[data-term="audit_notice_days"]') !== null, 'default gone'));
    await page.fill('#t-cure_period_days', '');

    // Tick risks with the mouse and one with the keyboard.
    for (const r of ['product.biometric-identification', 'end-user.security-service-misuse', 'end-user.poor-record']) {
      await page.check(`#risk-areas input[value="${r}"]`);
    }
    await page.focus('#risk-areas input[value="end-user.conflict-region"]');
    await page.keyboard.press('Space');
    check('a risk can be ticked with the keyboard',
      await page.isChecked('#risk-areas input[value="end-user.conflict-region"]'));
    check('ticking risks raises the tier and shows the escalation warning',
      await waitPlan(page, () => document.querySelector('.tier-name') &&
        document.querySelector('.tier-name').textContent === 'severe' &&
        document.querySelector('.banner.escalate') !== null, 'severe plan'));
    const after = await planIds(page);
    check('the plan changes: more clauses, each with its reasons', after.length > before.length &&
      (await page.$$eval('#plan-body li .why', (w) => w.every((x) => x.textContent.startsWith('because ')))),
    [before.length, after.length]);
    const score = Number(await page.textContent('.score'));
    const wanted = cat.risks.filter((r) => ['product.biometric-identification', 'end-user.security-service-misuse',
      'end-user.poor-record', 'end-user.conflict-region'].includes(r.id)).reduce((s, r) => s + r.weight, 0);
    check('the score is the sum of the ticked risks\' weights', score === wanted, [score, wanted]);

    // A wrong value gets its message next to the field; fixing it clears it.
    await page.fill('#f-customer-country', 'xa');
    check('a wrong field value shows a message next to the field',
      await waitPlan(page, () => document.querySelector('.msg[data-for="customer.country"]').textContent.length > 0,
        'country message'));
    check('the field is marked invalid for assistive technology',
      (await page.getAttribute('#f-customer-country', 'aria-invalid')) === 'true');
    await page.fill('#f-customer-country', 'XA');
    check('fixing the value clears the message and brings the plan back',
      await waitPlan(page, () => document.querySelector('.msg[data-for="customer.country"]').textContent === '' &&
        document.querySelector('.tier-name') !== null, 'plan back'));

    // Download the draft and check it holds the chosen clauses.
    const shown = await planIds(page);
    const draft = await download(page, () => page.click('button.download-draft'));
    check('the draft downloads as <id>-<document>.docx', path.basename(draft) === 'Q-BROWSER-1-contract.docx', draft);
    const xml = execFileSync('unzip', ['-p', draft, 'word/document.xml'], { maxBuffer: 64 << 20 }).toString();
    const tags = new Set([...xml.matchAll(/w:val="clasm:([^"@]+)@\d+"/g)].map((m) => m[1]));
    check('the draft holds every clause of the plan, tagged clasm:<id>@<version>',
      shown.length > 0 && shown.every((id) => tags.has(id)) && tags.size === shown.length,
      { missing: shown.filter((id) => !tags.has(id)), extra: [...tags].filter((t) => !shown.includes(t)) });
    check('the draft carries the deal\'s values', xml.includes('Sentinel FaceMatch 4'));

    const rationale = await download(page, () => page.click('#download-rationale'));
    const report = JSON.parse(fs.readFileSync(rationale, 'utf8'));
    check('the rationale is the plan JSON with the output name',
      report.tier === 'severe' && report.output === 'Q-BROWSER-1-contract.docx' &&
      report.clauses.map((c) => c.id).join() === shown.join(), report.output);

    const dealFile = await download(page, () => page.click('#download-deal'));
    check('the deal file downloads as <id>.yaml', path.basename(dealFile) === 'Q-BROWSER-1.yaml', dealFile);
    if (clasm) {
      const cli = JSON.parse(execFileSync(clasm, ['select', dealFile, '--format', 'json'],
        { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
      delete report.output;
      check('clasm select on the downloaded deal file gives the same plan', JSON.stringify(cli) === JSON.stringify(report));
    }

    // Inspect the draft on the inspect page.
    await page.click('#nav-inspect');
    // The page switches after the click's handlers run: wait for it (a slow
    // sanitizer build lost this race), then check.
    await page.waitForSelector('#inspect-file', { state: 'visible', timeout: 15000 }).catch(() => {});
    await page.waitForSelector('#deal-form', { state: 'hidden', timeout: 15000 }).catch(() => {});
    check('the inspect page is shown', await page.isVisible('#inspect-file') && !(await page.isVisible('#deal-form')));
    await page.setInputFiles('#inspect-file', draft);
    await page.waitForSelector('table.inspect tbody tr', { timeout: 15000 });
    const statuses = await page.$$eval('table.inspect tbody tr td.st', (t) => t.map((x) => x.textContent));
    check('inspecting the fresh draft: every clause unchanged',
      statuses.length === shown.length && statuses.every((s) => s === 'unchanged'), statuses);
    await page.setInputFiles('#inspect-file', { name: 'notes.docx', mimeType: 'application/octet-stream',
      buffer: Buffer.from('not a word file') });
    check('a file that is not a DOCX gets a clear error',
      await waitPlan(page, () => !document.querySelector('#inspect-errors').hidden &&
        document.querySelector('#inspect-errors').textContent.includes('notes.docx'), 'inspect error'));
    await page.click('#nav-questionnaire');
    check('back to the questionnaire keeps the deal', (await page.inputValue('#f-id')) === 'Q-BROWSER-1');

    // A channel deal pack: reseller agreement and EULA, a plan and a draft button each.
    await page.uncheck('#f-doc-contract');
    await page.check('#f-doc-reseller-agreement');
    await page.check('#f-doc-eula');
    await page.check('#f-has-reseller');
    await page.fill('#f-reseller-name', 'Gulf Channel Partners LLC');
    await page.fill('#f-reseller-country', 'AE');
    check('a deal pack shows a plan per document',
      await waitPlan(page, () => Array.from(document.querySelectorAll('#plan-body section.doc-plan'))
        .map((s) => s.dataset.document).join() === 'eula,reseller-agreement', 'pack plans'));
    const buttons = await page.$$eval('button.download-draft', (b) => b.map((x) => x.dataset.document));
    check('a draft button per document of the pack', buttons.join() === 'eula,reseller-agreement', buttons);
    const eulaIds = await page.$$eval('section.doc-plan[data-document="eula"] li[data-clause]',
      (lis) => lis.map((li) => li.dataset.clause));
    const eula = await download(page, () => page.click('button.download-draft[data-document="eula"]'));
    const eulaXml = execFileSync('unzip', ['-p', eula, 'word/document.xml'], { maxBuffer: 64 << 20 }).toString();
    const eulaTags = new Set([...eulaXml.matchAll(/w:val="clasm:([^"@]+)@\d+"/g)].map((m) => m[1]));
    check('the pack\'s EULA downloads with its own name and clauses',
      path.basename(eula) === 'Q-BROWSER-1-eula.docx' && eulaIds.length > 0 &&
      eulaIds.every((id) => eulaTags.has(id)) && eulaTags.size === eulaIds.length, [path.basename(eula), eulaIds.length, eulaTags.size]);
    check('no script errors or CSP violations in the console', problems.length === 0, problems);
  } catch (e) {
    check('the browser session ran to the end', false, String(e && e.stack || e));
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
})();
