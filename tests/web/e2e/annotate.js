'use strict';
// Drives the annotation web app in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core). Run by tests/web/browser_e2e_test.cpp:
//
//   node annotate.js flow INVITATION_URL TASKS   an annotator opens the invitation, reads the
//       instructions, answers the questionnaire, does abstraction, extrapolation and generation
//       for TASKS UUs and reaches the completion page
//   node annotate.js feedback INVITATION_URL SECOND_INVITATION_URL   live model feedback: one
//       annotator asks the model about a sample with JavaScript on (the page stays), submits the
//       task; another, with JavaScript off, presses the same button and the page comes back with
//       the score and the typed text
//   node annotate.js xss INVITATION_URL PAYLOADS_FILE   the same on a campaign whose UU texts
//       hold the payloads (a JSON array in the file): each must appear as text, no dialog may
//       open, no element may be injected
//
// Prints one JSON object on stdout; exits 1 with the reason on stderr when a check fails.

const { chromium } = require('playwright-core');

const [mode, invitation, argument] = process.argv.slice(2);
const executablePath = process.env.BLINDSPOT_CHROMIUM || '/usr/bin/chromium';

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function launch(javaScriptEnabled = true) {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
  const events = { dialogs: [], consoleErrors: [], pageErrors: [] };
  page.on('dialog', async (dialog) => {
    events.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') events.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => events.pageErrors.push(String(error)));
  return { browser, page, events };
}

// Invitation -> instructions -> questionnaire -> first task.
async function signIn(page, link = invitation) {
  await page.goto(link);
  check(new URL(page.url()).pathname === '/instructions', `invitation led to ${page.url()}`);
  check(!page.url().includes(link.split('/invite/')[1]), 'the token is still in the address bar');
  check((await page.textContent('main')).includes('A worked example'), 'no worked example on the instructions');
  await page.click('#continue');
  check(new URL(page.url()).pathname === '/questionnaire', `continue led to ${page.url()}`);
  await page.check('input[name="labelling"][value="3"]');
  await page.check('input[name="task"][value="4"]');
  await page.check('input[name="ml"][value="2"]');
  await Promise.all([page.waitForURL('**/task'), page.click('button[type="submit"]')]);
}

// One task's three steps; `pause` ms of "work" on each so active times are plausible.
async function doTask(page, n, pause, hypothesis) {
  check((await page.textContent('h1')).includes('Describe the blind spot'), `task ${n} does not start with abstraction`);
  const uuText = await page.textContent('#uu-text');
  const progress = await page.textContent('#progress');
  await page.fill('#hypothesis', hypothesis || `Task ${n}: misspelt sentiment words are read as unknown`);
  await page.fill('#reasoning', 'The changed word carried the label.');
  await page.waitForTimeout(pause);
  await Promise.all([page.waitForURL('**/task'), page.click('#submit')]);

  check((await page.textContent('h1')).includes('Imagine a related blind spot'), `task ${n}: no extrapolation step`);
  const shown = await page.textContent('#your-abstraction');
  await page.fill('#hypothesis', `Task ${n}: other misspelt negative words`);
  await page.waitForTimeout(pause);
  await Promise.all([page.waitForURL('**/task'), page.click('#submit')]);

  check((await page.textContent('h1')).includes('Write examples'), `task ${n}: no generation step`);
  const fields = await page.$$('textarea[name^="text_"]');
  for (let i = 1; i <= fields.length; ++i) {
    await page.fill(`#text_${i}`, `Task ${n} example ${i}: the film was borring and the acting awfull.`);
    await page.selectOption(`#label_${i}`, 'negative');
    await page.fill(`#reasoning_${i}`, 'misspelt negative words');
  }
  await page.waitForTimeout(pause);
  await Promise.all([page.waitForURL(/\/(task|done)$/), page.click('#submit')]);
  return { uuText, progress, shownAbstraction: shown, samples: fields.length };
}

async function flow() {
  const tasks = Number(argument || 2);
  const { browser, page, events } = await launch();
  const started = Date.now();
  try {
    await signIn(page);
    const done = [];
    for (let n = 1; n <= tasks; ++n) done.push(await doTask(page, n, 700));
    if (new URL(page.url()).pathname !== '/done') await page.goto(new URL('/done', invitation).href);
    check(new URL(page.url()).pathname === '/done', `after ${tasks} tasks the app is on ${page.url()}`);
    const code = (await page.textContent('#completion-code')).trim();
    check(/^BS-[2-9A-HJ-NP-Z]{10}$/.test(code), `completion code "${code}"`);
    check(events.dialogs.length === 0, `dialogs: ${events.dialogs}`);
    check(events.consoleErrors.length === 0, `console errors: ${events.consoleErrors}`);
    check(events.pageErrors.length === 0, `page errors: ${events.pageErrors}`);
    console.log(JSON.stringify({ completion_code: code, tasks: done, seconds: (Date.now() - started) / 1000 }));
  } finally {
    await browser.close();
  }
}

// Abstraction and extrapolation of the first task; the page is then on the generation step.
async function toGeneration(page) {
  await page.fill('#hypothesis', 'misspelt sentiment words are read as unknown');
  await Promise.all([page.waitForURL('**/task'), page.click('#submit')]);
  await page.fill('#hypothesis', 'other misspelt negative words');
  await Promise.all([page.waitForURL('**/task'), page.click('#submit')]);
  check((await page.textContent('h1')).includes('Write examples'), 'no generation step');
}

async function feedback() {
  const text = 'a terrible and boring film';
  const withScript = await launch(true);
  const result = {};
  try {
    const page = withScript.page;
    await signIn(page);
    await toGeneration(page);
    await page.fill('#text_1', text);
    const before = page.url();
    await page.click('#score_1');
    await page.waitForFunction(() => document.querySelector('#model_score_1').textContent.startsWith('The model reads'));
    result.js_score = await page.textContent('#model_score_1');
    check(page.url() === before, `asking the model left the page for ${page.url()}`);
    check((await page.inputValue('#text_1')) === text, 'the text changed while asking the model');
    await page.selectOption('#label_1', 'negative');
    await page.fill('#text_2', 'awful acting and a dull plot');
    await page.selectOption('#label_2', 'negative');
    await Promise.all([page.waitForURL(/\/(task|done)$/), page.click('#submit')]);
    check(withScript.events.consoleErrors.length === 0, `console errors: ${withScript.events.consoleErrors}`);
    check(withScript.events.pageErrors.length === 0, `page errors: ${withScript.events.pageErrors}`);
  } finally {
    await withScript.browser.close();
  }
  const noScript = await launch(false);
  try {
    const page = noScript.page;
    await signIn(page, argument);
    await toGeneration(page);
    await page.fill('#text_1', text);
    await page.fill('#reasoning_1', 'kept while asking');
    await Promise.all([page.waitForURL('**/score'), page.click('#score_1')]);
    result.nojs_score = await page.textContent('#model_score_1');
    check(result.nojs_score.startsWith('The model reads'), `no score on the page: "${result.nojs_score}"`);
    check((await page.inputValue('#text_1')) === text, 'the typed text was lost');
    check((await page.inputValue('#reasoning_1')) === 'kept while asking', 'the typed reasoning was lost');
  } finally {
    await noScript.browser.close();
  }
  console.log(JSON.stringify(result));
}

// The payloads must be text: in textContent, not as elements, and nothing may run.
async function assertInert(page, events, payloads, where) {
  const text = await page.textContent('#uu');
  for (const payload of payloads) check(text.includes(payload), `${where}: payload not shown as text: ${payload}`);
  const injected = await page.evaluate(() => ({
    elements: document.querySelectorAll('main script, main img, main svg, main iframe, [onerror], [onload]').length,
    flag: window.__xss === undefined ? null : window.__xss,
  }));
  check(injected.elements === 0, `${where}: ${injected.elements} injected elements`);
  check(injected.flag === null, `${where}: a payload ran (window.__xss = ${injected.flag})`);
  await page.waitForTimeout(300);  // let any stray handler fire
  check(events.dialogs.length === 0, `${where}: dialogs opened: ${events.dialogs}`);
}

async function xss() {
  const payloads = JSON.parse(require('fs').readFileSync(argument, 'utf8'));
  const { browser, page, events } = await launch();
  try {
    await signIn(page);
    await assertInert(page, events, payloads, 'natural UU');
    // User text is escaped too: the abstraction, shown on the next step, is itself a payload.
    const first = await doTask(page, 1, 50, payloads.join(' '));
    check(first.uuText.includes(payloads[0]), 'natural UU text lost its payload');
    check(first.shownAbstraction === payloads.join(' '), `abstraction shown as "${first.shownAbstraction}"`);
    await assertInert(page, events, payloads, 'adversarial UU');
    const marked = await page.$$eval('#uu-text mark', (marks) => marks.map((m) => m.textContent));
    check(marked.some((m) => payloads.includes(m)), `no payload shown highlighted: ${marked}`);
    await page.fill('#hypothesis', 'x');
    await Promise.all([page.waitForURL('**/task'), page.click('#submit')]);
    const shown = await page.textContent('#your-abstraction');
    check(shown === 'x', `abstraction shown as "${shown}"`);
    check(events.pageErrors.length === 0, `page errors: ${events.pageErrors}`);
    check(events.consoleErrors.length === 0, `console errors (CSP reports?): ${events.consoleErrors}`);
    console.log(JSON.stringify({ payloads: payloads.length, dialogs: events.dialogs.length, shown_abstraction: first.shownAbstraction }));
  } finally {
    await browser.close();
  }
}

const modes = { flow, xss, feedback };
(modes[mode] ? modes[mode]() : Promise.reject(new Error(`unknown mode ${mode}`))).catch(
  (error) => {
    console.error(error.stack || String(error));
    process.exit(1);
  },
);
