// clasm serve: the questionnaire and the inspect page. A plain client of the
// JSON API (README, "The questionnaire in a browser"); no framework.
'use strict';

(function () {
  const $ = (sel) => document.querySelector(sel);
  const $$ = (sel) => Array.from(document.querySelectorAll(sel));

  // el('li', {class: 'x'}, 'text', child...): DOM nodes, text never parsed as HTML.
  function el(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') n.className = v;
      else if (k === 'text') n.textContent = v;
      else n.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids) if (k !== null && k !== undefined) n.append(k);
    return n;
  }

  const SECTIONS = ['deal', 'parties', 'product', 'flags', 'terms'];
  const SECTION_NAMES = { deal: 'Deal', parties: 'Parties', product: 'Product', flags: 'Red flags', terms: 'Terms' };
  const DOCUMENT_NAMES = {
    contract: 'contract', eula: 'end-user licence (EULA)',
    'reseller-agreement': 'reseller agreement', addendum: 'safeguards addendum',
  };
  // Errors that say a value is not there yet (not that it is wrong).
  const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  const MISSING_IDS = new Set(['missing-key', 'missing-value', 'empty-value', 'empty-list', 'unknown-value']);

  const state = {
    catalogue: null,
    fields: new Map(), // deal path -> {path, input, msg, section, label}
    touched: new Set(), // paths the user has been in and left
    showAll: false, // the user asked for the draft: every problem shows
    errors: [], // the last select's errors (each with the field's path, when it has one)
    draftErrors: [], // the last draft or memo request's errors, until the next change
    plans: null, // the last plans (array), or null
    stale: false, // the plans are from before the last change (the deal's facts are incomplete)
    dealId: '',
    section: 'deal',
    riskOrder: [], // risk ids in the order they were ticked
    // The risks the review dismissed, in the order it did: risk id ->
    // {reason, by}. A ticked risk is never dismissed.
    dismissed: new Map(),
    // The engine's suggestions of the last plan made (kept while the deal is
    // unfinished): [{risk, title, reason, suggested, decision, ...}].
    suggestions: [],
    dismissing: null, // the risk whose dismissal form is open
    lastBy: '', // who decided the last dismissal: the next form starts with it
    inflight: null, // the plan request on its way (one at a time)
    again: false, // the deal changed while it was on its way: ask again
    timer: 0,
    inspected: null, // the draft the inspect page shows (a File), for its redline
  };

  // ---- the fields: each deal path, its input and its message ----

  // The field a deal path belongs to: "product.capabilities[1]" is the
  // capabilities' field, "customer.jurisdiction" (no field) the customer's
  // nearest one that exists, else none.
  function fieldFor(path) {
    let p = (path || '').replace(/\[\d+\]/g, '');
    while (p) {
      const f = state.fields.get(p);
      if (f) return f;
      p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
    }
    return null;
  }

  function labelOf(input) {
    if (input.dataset.label) return input.dataset.label;
    if (input.labels && input.labels.length) return input.labels[0].textContent.trim();
    const by = input.getAttribute('aria-labelledby');
    const l = by && document.getElementById(by);
    return l ? l.textContent.trim() : input.getAttribute('data-path');
  }

  // Every [data-path] is a field; its message sits in its .field (the
  // red flags' in #m-risks) and is part of its description for screen readers.
  function registerFields() {
    state.fields.clear();
    for (const input of $$('#deal-form [data-path]')) {
      const path = input.getAttribute('data-path');
      const box = input.closest('.field');
      const msg = (box && box.querySelector('.msg')) || (path === 'risks' ? $('#m-risks') : null);
      if (!msg) continue;
      const hint = box && box.querySelector('.hint');
      const ids = new Set((input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean));
      if (hint && hint.id) ids.add(hint.id);
      ids.add(msg.id);
      input.setAttribute('aria-describedby', Array.from(ids).join(' '));
      const panel = input.closest('.panel');
      const parent = input.closest('fieldset');
      let label = labelOf(input);
      if (parent && parent.closest('.panel') && /^(seller|customer|reseller)\./.test(path)) {
        label = parent.querySelector('legend').textContent.replace(/\s*\(.*\)$/, '') + ' ' + label.toLowerCase();
      }
      state.fields.set(path, { path, input, msg, section: panel ? panel.dataset.section : 'deal', label });
    }
  }

  // ---- reading the form into a deal ----

  function val(id) {
    const n = document.getElementById(id);
    return n ? n.value.trim() : '';
  }

  function putIf(obj, key, v) {
    if (v !== '' && v !== undefined) obj[key] = v;
  }

  // The value of a term's field as the deal gives it: '' when it is empty
  // or counsel's standard value (the plan then lists it among the defaults).
  function termValue(t) {
    const n = document.getElementById('t-' + t.key);
    if (!n) return '';
    const v = n.value.replace(/\s+/g, ' ').trim(); // a long term is one paragraph
    if (t.default !== null && t.default !== undefined && v === t.default) return '';
    return v;
  }

  function collectDeal() {
    const deal = {};
    putIf(deal, 'id', val('f-id'));
    const docs = $$('#f-documents input:checked').map((c) => c.value);
    if (docs.length) deal.documents = docs;
    putIf(deal, 'date', val('f-date'));
    const seller = {};
    putIf(seller, 'name', val('f-seller-name'));
    putIf(seller, 'address', val('f-seller-address'));
    putIf(seller, 'jurisdiction', val('f-seller-jurisdiction'));
    deal.seller = seller;
    const customer = {};
    putIf(customer, 'name', val('f-customer-name'));
    putIf(customer, 'address', val('f-customer-address'));
    putIf(customer, 'country', val('f-customer-country'));
    putIf(customer, 'kind', val('f-customer-kind'));
    deal.customer = customer;
    if ($('#f-has-reseller').checked) {
      const reseller = {};
      putIf(reseller, 'name', val('f-reseller-name'));
      putIf(reseller, 'country', val('f-reseller-country'));
      deal.reseller = reseller;
    }
    const product = {};
    putIf(product, 'name', val('f-product-name'));
    const caps = $$('#f-capabilities input:checked').map((c) => c.value);
    if (caps.length) product.capabilities = caps;
    deal.product = product;
    putIf(deal, 'deployment', val('f-deployment'));
    putIf(deal, 'license', val('f-license'));
    putIf(deal, 'end_use', val('f-end-use'));
    // The red flags in the order they were ticked (a deal file's order).
    const ticked = new Set($$('#risk-areas input[type=checkbox]:checked').map((c) => c.value));
    const risks = state.riskOrder.filter((r) => ticked.has(r));
    for (const r of ticked) if (!risks.includes(r)) risks.push(r);
    if (risks.length) deal.risks = risks;
    // The suggested red flags the review dismissed, each with why and who.
    const dismissed = [];
    for (const [risk, d] of state.dismissed) {
      if (ticked.has(risk)) continue;
      const x = { risk, reason: d.reason, by: d.by, date: d.date };
      if (d.confirmedBy) x.confirmed_by = d.confirmedBy;
      dismissed.push(x);
    }
    if (dismissed.length) deal.dismissed = dismissed;
    const terms = {};
    for (const t of (state.catalogue ? state.catalogue.terms : [])) putIf(terms, t.key, termValue(t));
    if (Object.keys(terms).length) deal.terms = terms;
    return deal;
  }

  // The deal as a YAML file the CLI reads (JSON-quoted scalars are YAML).
  function toYaml(deal) {
    const q = (s) => JSON.stringify(String(s));
    const out = ['# A deal written by clasm serve. Re-run it with: clasm assemble ' +
      (deal.id || 'DEAL') + '.yaml'];
    function block(obj, indent) {
      const pad = '  '.repeat(indent);
      for (const [k, v] of Object.entries(obj)) {
        if (Array.isArray(v) && v.length && v.every((x) => x && typeof x === 'object')) {
          // A list of records (dismissed): one "- key: value" block each.
          out.push(pad + k + ':');
          for (const x of v) {
            Object.entries(x).forEach(([xk, xv], i) => out.push(pad + (i ? '    ' : '  - ') + xk + ': ' + q(xv)));
          }
        } else if (Array.isArray(v)) {
          if (k === 'risks') {
            out.push(pad + k + ':');
            for (const x of v) out.push(pad + '  - ' + q(x));
          } else {
            out.push(pad + k + ': [' + v.map(q).join(', ') + ']');
          }
        } else if (v && typeof v === 'object') {
          out.push(pad + k + ':');
          block(v, indent + 1);
        } else {
          out.push(pad + k + ': ' + q(v));
        }
      }
    }
    block(deal, 0);
    return out.join('\n') + '\n';
  }

  // ---- talking to the server ----

  function postDeal(url, deal) {
    return fetch(url, { method: 'POST', body: JSON.stringify(deal, null, 1),
      headers: { 'Content-Type': 'application/json' } });
  }

  async function errorsOf(res) {
    try {
      const j = await res.json();
      if (j && Array.isArray(j.errors)) return j.errors;
    } catch (e) { /* not JSON */ }
    return [{ id: 'http-' + res.status, severity: 'error',
      message: 'the server answered ' + res.status + ' ' + res.statusText }];
  }

  function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function fileNameOf(res, fallback) {
    const cd = res.headers.get('Content-Disposition') || '';
    const m = /filename="([^"]+)"/.exec(cd);
    return m ? m[1] : fallback;
  }

  // ---- messages in words for people ----

  // The server's message without what only the engine needs: the key path
  // it starts with (the field says which), file names, line numbers.
  function tidy(msg) {
    let s = String(msg || '');
    s = s.replace(/^\{\{ [^}]+ \}\}: /, '');
    s = s.replace(/^[A-Za-z_][\w.-]*(\[\d+\])?( \([^)]*\))?: /, '');
    s = s.replace(/ \([^()]*\.(ya?ml|docx)\b[^()]*\)/g, '');
    s = s.replace(/ ?\(?(first )?at line \d+(:\d+)?\)?/g, '');
    s = s.trim();
    if (!s) return '';
    s = s.charAt(0).toUpperCase() + s.slice(1);
    return /[.?!]$/.test(s) ? s : s + '.';
  }

  function suggestion(msg) {
    const m = /did you mean ([^?]+)\?/.exec(msg || '');
    return m ? ' Did you mean ' + m[1].replace(/'/g, '') + '?' : '';
  }

  function plainMessage(e, f) {
    const input = f && f.input;
    const value = input && 'value' in input && input.tagName !== 'DIV' ? input.value : '';
    if (MISSING_IDS.has(e.id)) {
      if (f && f.path === 'documents') return 'Tick at least one document to draft.';
      if (input && input.tagName === 'SELECT') return 'Choose one.';
      if (f && f.path.startsWith('terms.')) return 'The draft needs this value.';
      return 'Fill this in.';
    }
    switch (e.id) {
      case 'invalid-id':
        return 'Use only letters, digits, “.”, “_” and “-” (not “.” or “-” first), at most 100 characters: the id names the draft’s files.';
      case 'invalid-date':
        return 'This is not a calendar date.';
      case 'unknown-country':
        return '“' + value + '” is not a country code. Use the two capital letters of the country, such as DE for Germany or JP for Japan.' +
          suggestion(e.message);
      case 'unknown-capability':
        return 'The library does not know this capability.' + suggestion(e.message);
      case 'invalid-value':
        if (/holds U\+/.test(e.message || '')) {
          return 'This holds an invisible control character; type the value again without it.';
        }
        break;
      default:
        break;
    }
    return tidy(e.message);
  }

  // ---- diagnostics next to the fields ----

  function visible(f) {
    return state.showAll || state.touched.has(f.path);
  }

  // Each field's messages (only those of fields the user has left, or all
  // once the draft was asked for); the rest in one short list.
  function showMessages() {
    const byField = new Map();
    const general = [];
    const all = state.errors.concat(state.draftErrors);
    // Asked for the draft: the values the plan still lacks are marked too.
    if (state.showAll && state.plans && !state.stale) {
      for (const m of missingValues()) all.push({ id: 'missing-value', path: m.key, severity: 'error' });
    }
    for (const e of all) {
      if (e.severity && e.severity !== 'error') continue;
      const f = e.path ? fieldFor(e.path) : null;
      if (!f) {
        general.push(e);
        continue;
      }
      if (!visible(f)) continue;
      const text = plainMessage(e, f);
      const list = byField.get(f) || [];
      if (!list.includes(text)) list.push(text);
      byField.set(f, list);
    }
    const counts = {};
    for (const f of state.fields.values()) {
      const list = byField.get(f);
      f.msg.textContent = list ? list.join(' ') : '';
      if (list) {
        f.input.setAttribute('aria-invalid', 'true');
        counts[f.section] = (counts[f.section] || 0) + 1;
      } else {
        f.input.removeAttribute('aria-invalid');
      }
    }
    for (const s of SECTIONS) {
      const n = counts[s] || 0;
      $('#count-' + s).textContent = n ? ' · ' + n + ' to fix' : '';
    }
    const box = $('#plan-errors');
    const show = general.length > 0 && (state.showAll || state.touched.size > 0);
    const texts = Array.from(new Set(general.map((e) => tidy(e.message)).filter(Boolean)));
    box.replaceChildren(el('strong', { text: texts.length === 1 ? 'A problem with the deal:' : 'Problems with the deal:' }),
      el('ul', {}, ...texts.map((t) => el('li', { text: t }))));
    box.hidden = !show || texts.length === 0;
  }

  // ---- the plan ----

  function riskTitle(id) {
    const r = state.catalogue && state.catalogue.risks.find((x) => x.id === id);
    return r ? r.title : id;
  }

  function clauseTitles(plans) {
    const m = new Map();
    for (const p of plans) for (const c of p.clauses) m.set(c.id, c.title);
    return m;
  }

  function nameList(names) {
    if (names.length <= 3) return names.join(', ');
    return names.slice(0, 2).join(', ') + ' and ' + (names.length - 2) + ' more';
  }

  // Why a clause is in the plan, in words: the plan's "because" and
  // "supports" (the clauses it supports named up to three, as the
  // definitions support most), else its "why"; from a server without them,
  // made from the ids of "reasons".
  function reasonText(c, titles) {
    const parts = [];
    if (c.because && c.because.length) parts.push('because: ' + c.because.join('; '));
    if (c.supports && c.supports.length) parts.push('supports: ' + nameList(c.supports));
    if (!parts.length && c.why) parts.push(c.why);
    if (!parts.length) {
      const risks = [];
      const supports = [];
      let standard = false;
      let rule = false;
      const nDocs = state.catalogue ? state.catalogue.documents.length : 0;
      for (const r of c.reasons || []) {
        const req = /^required by (.+)$/.exec(r);
        const when = /^when: (.*)$/.exec(r);
        if (req) supports.push(titles.get(req[1]) || 'another clause');
        else if (when && /^document in \[[^\]]*\]$/.test(when[1]) &&
          when[1].split(',').length === nDocs) standard = true;
        else if (when) rule = true;
        else risks.push(riskTitle(r));
      }
      const because = risks.slice();
      if (standard) because.push('standard in every agreement');
      if (rule && !because.length) because.push('the library’s rule for deals like this one');
      if (because.length) parts.push('because: ' + because.join('; '));
      if (supports.length) parts.push('supports: ' + nameList(Array.from(new Set(supports))));
    }
    const s = parts.join('; ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  // The values the plans still need, once each, with every text that uses them.
  function missingValues() {
    const out = new Map();
    for (const p of state.plans || []) {
      for (const m of p.missing || []) {
        const have = out.get(m.key) || { key: m.key, description: m.description, used_by: [] };
        for (const u of m.used_by || []) if (!have.used_by.includes(u)) have.used_by.push(u);
        out.set(m.key, have);
      }
    }
    return Array.from(out.values());
  }

  // The facts the plan still needs, missing or to correct (no plan can be
  // made without them): [{field, wrong}].
  function missingFacts() {
    const out = new Map();
    for (const e of state.errors) {
      if (!e.path || (e.severity && e.severity !== 'error')) continue;
      const f = fieldFor(e.path);
      if (!f || f.path.startsWith('terms.')) continue;
      const wrong = !MISSING_IDS.has(e.id);
      const had = out.get(f.path);
      out.set(f.path, { field: f, wrong: wrong || (had ? had.wrong : false) });
    }
    return Array.from(out.values());
  }

  function goToField(path) {
    const f = fieldFor(path);
    if (!f) return;
    showSection(f.section);
    const target = f.input.matches('input, select, textarea') ? f.input : f.input.querySelector('input');
    (target || f.input).focus();
    (target || f.input).scrollIntoView({ block: 'center' });
  }

  function usedByText(used, titles) {
    const names = used.map((u) => {
      const doc = /^(.+)\.docx$/.exec(u);
      if (doc) return 'the ' + (DOCUMENT_NAMES[doc[1]] || doc[1]) + ' template';
      return titles.get(u) || u;
    });
    return nameList(names);
  }

  function renderMissing() {
    const list = $('#missing-list');
    const titles = clauseTitles(state.plans || []);
    let items;
    if (state.plans && !state.stale) {
      $('#missing-title').textContent = 'Still to fill in';
      items = missingValues().map((m) => {
        const f = fieldFor(m.key);
        return el('li', { 'data-key': m.key },
          el('button', { type: 'button', class: 'link go', 'data-go': m.key,
            text: f ? f.label : m.key }),
          el('span', { class: 'what', text: m.description ? ' — ' + m.description : '' }),
          el('span', { class: 'used', text: 'Used by ' + usedByText(m.used_by, titles) + '.' }));
      });
      $('#missing-none').textContent = 'Nothing: the draft has every value it needs.';
    } else {
      $('#missing-title').textContent = 'Still to fill in for the plan';
      items = missingFacts().map(({ field: f, wrong }) => el('li', { 'data-key': f.path },
        el('button', { type: 'button', class: 'link go', 'data-go': f.path, text: f.label }),
        el('span', { class: 'what', text: ' — ' + (wrong ? 'to correct, ' : '') + 'in ' + SECTION_NAMES[f.section] + '.' })));
      $('#missing-none').textContent = 'Nothing.';
    }
    list.replaceChildren(...items);
    $('#missing-none').hidden = items.length > 0;
    $('#sum-missing-count').textContent = String(items.length);
  }

  function renderSummary() {
    const plans = state.plans;
    if (!plans) {
      $('#sum-tier').textContent = '—';
      $('#sum-score').textContent = '';
      $('#sum-escalation').textContent = 'Escalation: —';
      $('#sum-escalation').classList.remove('bad');
    } else {
      const tiers = Array.from(new Set(plans.map((p) => p.tier)));
      $('#sum-tier').textContent = tiers.join(' / ');
      $('#sum-score').textContent = ' (score ' + Array.from(new Set(plans.map((p) => p.score))).join(' / ') + ')' +
        (state.stale ? ' · out of date' : '');
      const esc = plans.some((p) => p.escalate);
      $('#sum-escalation').textContent = esc ? 'Escalate to counsel' : 'No escalation';
      $('#sum-escalation').classList.toggle('bad', esc);
    }
    $('#summary').classList.toggle('stale', state.stale);
  }

  function renderPlans() {
    const body = $('#plan-body');
    body.replaceChildren();
    const plans = state.plans || [];
    const titles = clauseTitles(plans);
    if (state.stale) {
      body.append(el('div', { class: 'banner warn stale-note', text: 'This plan is for the deal as it was ' +
        'before your last change: the plan needs the values listed under “Still to fill in for the plan”.' }));
    }
    // The suggestions are the deal's: one account for all its documents.
    const suggestions = plans.length ? plans[0].suggestions || [] : [];
    if (suggestions.length) body.append(suggestionsSection(suggestions));
    for (const p of plans) {
      const sec = el('section', { class: 'doc-plan', 'data-document': p.document });
      sec.append(el('h3', { text: DOCUMENT_NAMES[p.document] || p.document }));
      sec.append(el('p', { class: 'tier' }, 'Tier ', el('strong', { class: 'tier-name', text: p.tier }),
        ', score ', el('span', { class: 'score', text: String(p.score) })));
      if (p.escalate) {
        sec.append(el('div', { class: 'banner escalate',
          text: 'Escalate to counsel before signing: this deal is in the ' + p.tier +
            ' tier. The draft alone is not enough.' }));
      }
      const ol = el('ol', { class: 'clauses' });
      for (const c of p.clauses) {
        const ids = el('details', { class: 'ids' }, el('summary', { text: 'Details' }),
          el('p', {}, 'Clause ', el('code', { class: 'cid', text: c.id + '@' + c.version })),
          el('ul', {}, ...(c.reasons || []).map((r) => el('li', {}, el('code', { text: r })))));
        ol.append(el('li', { 'data-clause': c.id }, el('span', { class: 'title', text: c.title }),
          el('span', { class: 'why', text: reasonText(c, titles) }), ids));
      }
      sec.append(el('p', { text: p.clauses.length + ' clauses:' }), ol);
      if (p.uncovered && p.uncovered.length) {
        sec.append(el('div', { class: 'banner warn' },
          el('strong', { text: 'No clause covers: ' }), p.uncovered.map(riskTitle).join(', ')));
      }
      // Terms left at counsel's standard value that the draft prints.
      const printed = (p.defaults || []).filter((d) => d.printed);
      if (printed.length) {
        sec.append(el('div', { class: 'defaults' },
          el('strong', { text: 'Counsel’s standard values used: ' }),
          el('ul', {}, ...printed.map((d) => el('li', { 'data-term': d.key },
            termLabel(d.key) + ': ', el('code', { text: d.value }))))));
      }
      body.append(sec);
    }
    const buttons = $('#draft-buttons');
    buttons.replaceChildren(...plans.map((p) => {
      const b = el('button', { type: 'button', class: 'primary download-draft', 'data-document': p.document,
        text: plans.length > 1 ? 'Download draft: ' + (DOCUMENT_NAMES[p.document] || p.document) : 'Download draft' });
      b.disabled = state.stale;
      b.addEventListener('click', () => downloadDraft(p.document));
      return b;
    }));
    $('#download-rationale').disabled = !plans.length || state.stale;
    $('#download-report').disabled = !plans.length || state.stale;
  }

  // ---- suggested red flags: what the deal's facts point to, the decision on each ----

  // The engine decides what the facts suggest (the catalogue's suggest_when);
  // the page shows it and records the review's decision: ticked (the risk
  // goes under risks) or dismissed with why and who decided (under
  // dismissed). Undecided suggestions are counted in the summary bar.

  // "the deal states ..." -> "the deal states ...." (a sentence's end).
  function sentence(s) {
    const t = String(s || '').trim();
    return !t || /[.?!]$/.test(t) ? t : t + '.';
  }

  // One line of what a person typed: no line breaks, no runs of spaces.
  function oneLine(s) {
    return String(s || '').replace(/\s+/g, ' ').trim();
  }

  function isTicked(id) {
    const box = document.getElementById('r-' + id);
    return !!(box && box.checked);
  }

  // The risks the last plan's facts suggest: id -> suggestion.
  function suggestedRisks() {
    const m = new Map();
    for (const s of state.suggestions) if (s.suggested) m.set(s.risk, s);
    return m;
  }

  // The suggested risks neither ticked nor dismissed, in the catalogue's order.
  function undecided() {
    const sug = suggestedRisks();
    return $$('#risk-areas input[type=checkbox]').map((c) => c.value)
      .filter((id) => sug.has(id) && !isTicked(id) && !state.dismissed.has(id));
  }

  // Where a risk stands: 'form' (its dismissal being written), 'dismissed',
  // 'accepted' (suggested and ticked), 'undecided' (suggested), or 'none'.
  function riskMode(id, sug) {
    if (state.dismissing === id) return 'form';
    if (state.dismissed.has(id)) return 'dismissed';
    if (!sug.has(id)) return 'none';
    return isTicked(id) ? 'accepted' : 'undecided';
  }

  function hiddenTitle(text) {
    return el('span', { class: 'visually-hidden', text });
  }

  // The line under a risk of the checklist that says why it is suggested and
  // what was decided, with the actions its state allows.
  function suggestionBox(id, mode, s) {
    const title = riskTitle(id);
    const why = s ? el('span', { class: 'because', text: 'Suggested because: ' + sentence(s.reason) }) : null;
    const box = [];
    if (mode === 'undecided') {
      box.push(el('p', { class: 'sugg-line', id: 'r-' + id + '-why' },
        el('span', { class: 'badge badge-suggested', text: 'To decide' }), ' ', why));
      box.push(el('div', { class: 'sugg-actions' },
        el('button', { type: 'button', class: 'confirm', 'data-confirm': id }, 'Confirm',
          hiddenTitle(': ' + title)),
        el('button', { type: 'button', class: 'dismiss', 'data-dismiss': id }, 'Dismiss…',
          hiddenTitle(': ' + title))));
    } else if (mode === 'accepted') {
      box.push(el('p', { class: 'sugg-line', id: 'r-' + id + '-why' },
        el('span', { class: 'badge badge-confirmed', text: 'Confirmed' }), ' ', why));
    } else if (mode === 'dismissed') {
      const d = state.dismissed.get(id);
      box.push(el('p', { class: 'sugg-line', id: 'r-' + id + '-why' },
        el('span', { class: 'badge badge-dismissed', text: 'Dismissed' }), ' ',
        el('span', { class: 'dismissal', text: 'Dismissed by ' + d.by + ' on ' + d.date +
          (d.confirmedBy ? ', confirmed by ' + d.confirmedBy : '') + ': ' + sentence(d.reason) })));
      if (why) box.push(el('p', { class: 'sugg-was' }, why));
      box.push(el('div', { class: 'sugg-actions' },
        el('button', { type: 'button', class: 'undo', 'data-undo': id }, 'Undo',
          hiddenTitle(' the dismissal of ' + title))));
    } else if (mode === 'form') {
      const f = 'r-' + id;
      box.push(el('div', { class: 'dismiss-form', role: 'group', 'aria-labelledby': f + '-dl' },
        el('p', { class: 'dismiss-title', id: f + '-dl', text: 'Dismiss “' + title + '”' }),
        why ? el('p', { class: 'sugg-was' }, why) : null,
        el('div', { class: 'field' },
          el('label', { for: f + '-reason', text: 'Why it does not apply' }),
          el('textarea', { id: f + '-reason', rows: '3', required: true, 'aria-required': 'true',
            'aria-describedby': f + '-reason-h ' + f + '-reason-m' }),
          el('span', { class: 'hint', id: f + '-reason-h',
            text: 'What the review found, in a sentence or two: the deal file and the draft’s record keep it.' }),
          el('span', { class: 'msg', id: f + '-reason-m' })),
        el('div', { class: 'field' },
          el('label', { for: f + '-by', text: 'Decided by' }),
          el('input', { id: f + '-by', required: true, 'aria-required': 'true', autocomplete: 'name',
            'aria-describedby': f + '-by-h ' + f + '-by-m' }),
          el('span', { class: 'hint', id: f + '-by-h', text: 'Name and role, such as “Maris Ilves, compliance office”.' }),
          el('span', { class: 'msg', id: f + '-by-m' })),
        el('div', { class: 'sugg-actions' },
          el('button', { type: 'button', class: 'primary', 'data-dismiss-save': id }, 'Dismiss the red flag'),
          el('button', { type: 'button', 'data-dismiss-cancel': id }, 'Cancel'))));
    }
    return box;
  }

  // Each risk of the checklist shows where it stands; a row is rebuilt only
  // when that changes (an open dismissal form keeps what is typed in it).
  function renderFlags() {
    const sug = suggestedRisks();
    for (const row of $$('#risk-areas .risk')) {
      const id = row.dataset.risk;
      const mode = riskMode(id, sug);
      const s = sug.get(id) || null;
      const d = state.dismissed.get(id);
      const key = [mode, s ? s.reason : '', d ? d.by + '\n' + d.reason : ''].join('\n');
      if (row.dataset.key === key) continue;
      row.dataset.key = key;
      const box = row.querySelector('.sugg');
      const hadFocus = box.contains(document.activeElement);
      box.replaceChildren(...suggestionBox(id, mode, s));
      box.hidden = mode === 'none';
      if (mode === 'none') row.removeAttribute('data-suggestion');
      else row.dataset.suggestion = mode;
      if (hadFocus) row.querySelector('input[type=checkbox]').focus();
    }
    const n = undecided().length;
    const sum = $('#sum-decide');
    sum.hidden = n === 0;
    $('#sum-decide-count').textContent = String(n);
    // "2 suggested red flags to decide"; on a phone "2 flags to decide".
    $('#sum-decide-words').textContent = n === 1 ? ' flag to decide' : ' flags to decide';
    $('#decide-flags').textContent = n ? ' · ' + n + ' to decide' : '';
  }

  // Tells a screen reader what an action did.
  function announce(text) {
    const live = $('#flags-live');
    live.textContent = '';
    setTimeout(() => { live.textContent = text; }, 50);
  }

  function confirmRisk(id) {
    const box = document.getElementById('r-' + id);
    box.checked = true;
    state.dismissed.delete(id);
    state.riskOrder = state.riskOrder.filter((x) => x !== id).concat([id]);
    renderFlags();
    box.focus();
    announce('Confirmed: ' + riskTitle(id) + ' is ticked among the red flags.');
    schedule();
  }

  function openDismissal(id) {
    if (state.dismissing && state.dismissing !== id) closeDismissal(state.dismissing, false);
    state.dismissing = id;
    renderFlags();
    const by = document.getElementById('r-' + id + '-by');
    by.value = state.lastBy;
    document.getElementById('r-' + id + '-reason').focus();
  }

  function closeDismissal(id, focus) {
    state.dismissing = null;
    renderFlags();
    if (focus) {
      const b = document.querySelector('[data-dismiss="' + id + '"]') || document.getElementById('r-' + id);
      b.focus();
    }
  }

  // The form's two values are both needed: each missing one says so beside it.
  function saveDismissal(id) {
    const f = 'r-' + id;
    const reason = oneLine(document.getElementById(f + '-reason').value);
    const by = oneLine(document.getElementById(f + '-by').value);
    let first = null;
    for (const [key, v, text] of [['reason', reason, 'Say why this red flag does not apply to the deal.'],
      ['by', by, 'Say who decided: a name, and a role if it helps.']]) {
      const input = document.getElementById(f + '-' + key);
      document.getElementById(f + '-' + key + '-m').textContent = v ? '' : text;
      if (v) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
      if (!v && !first) first = input;
    }
    if (first) {
      first.focus();
      return;
    }
    document.getElementById(f).checked = false;
    state.riskOrder = state.riskOrder.filter((x) => x !== id);
    state.dismissed.set(id, { reason, by, date: today(), confirmedBy: '' });
    state.lastBy = by;
    state.dismissing = null;
    renderFlags();
    document.querySelector('[data-undo="' + id + '"]').focus();
    announce('Dismissed: ' + riskTitle(id) + '.');
    schedule();
  }

  function undoDismissal(id) {
    state.dismissed.delete(id);
    renderFlags();
    (document.querySelector('[data-dismiss="' + id + '"]') || document.getElementById('r-' + id)).focus();
    announce('The dismissal of ' + riskTitle(id) + ' is undone.');
    schedule();
  }

  // Opens the red flags and puts the cursor on a suggestion to decide (the
  // first one, or the risk given).
  function goToSuggestion(id) {
    showSection('flags');
    const target = id || undecided()[0];
    const n = target && (document.querySelector('[data-confirm="' + target + '"]') ||
      document.getElementById('r-' + target));
    const to = n || $('#sec-flags .panel-title');
    to.focus();
    to.scrollIntoView({ block: 'center' });
  }

  const DECISION_WORDS = { accepted: 'confirmed', dismissed: 'dismissed', undecided: 'not decided yet' };
  const DECISION_BADGES = { accepted: 'confirmed', dismissed: 'dismissed', undecided: 'suggested' };

  // The plan's account of the suggestions, with the engine's decision on each.
  function suggestionsSection(list) {
    const counts = {};
    for (const s of list) counts[s.decision] = (counts[s.decision] || 0) + 1;
    const sum = ['accepted', 'dismissed', 'undecided'].filter((k) => counts[k])
      .map((k) => counts[k] + ' ' + (k === 'undecided' ? 'to decide' : DECISION_WORDS[k])).join(', ');
    const ul = el('ul', { class: 'suggestions' });
    for (const s of list) {
      const item = el('li', { 'data-risk': s.risk, 'data-decision': s.decision, class: 'dec-' + s.decision },
        el('span', { class: 'title', text: s.title || riskTitle(s.risk) }), ' ',
        el('span', { class: 'badge decision badge-' + (DECISION_BADGES[s.decision] || 'dismissed'),
          text: DECISION_WORDS[s.decision] || s.decision }));
      if (s.suggested) item.append(el('span', { class: 'why', text: 'Suggested because: ' + sentence(s.reason) }));
      else item.append(el('span', { class: 'why', text: 'The deal’s facts do not suggest it.' }));
      if (s.decision === 'dismissed') {
        item.append(el('span', { class: 'dismissal',
          text: 'Dismissed by ' + (s.by || 'someone unnamed') + (s.date ? ' on ' + s.date : '') +
            (s.confirmed_by ? ', confirmed by ' + s.confirmed_by : '') + ': ' + sentence(s.dismissal) }));
      } else if (s.decision === 'undecided') {
        item.append(el('span', { class: 'todo' }, 'Confirm or dismiss it under ',
          el('button', { type: 'button', class: 'link', 'data-go-flag': s.risk }, 'Red flags',
            hiddenTitle(': ' + (s.title || riskTitle(s.risk)))), '.'));
      }
      item.append(el('details', { class: 'ids' }, el('summary', { text: 'Details' }),
        el('p', {}, 'Risk ', el('code', { class: 'rid', text: s.risk })),
        el('p', {}, 'Decision ', el('code', { class: 'rdecision', text: s.decision }),
          s.suggested ? null : el('code', { text: ' suggested: false' }))));
      ul.append(item);
    }
    return el('section', { class: 'plan-suggestions', 'aria-labelledby': 'sugg-title' },
      el('h3', { id: 'sugg-title', text: 'Red flags the deal’s facts suggest' }),
      el('p', { class: 'hint sugg-count' + (counts.undecided ? ' to-decide' : ''), text: sum + '.' }), ul);
  }

  function render() {
    showMessages();
    renderSummary();
    renderMissing();
    renderPlans();
    renderFlags();
  }

  function withoutTerms(deal, keys) {
    const d = JSON.parse(JSON.stringify(deal));
    if (d.terms) {
      for (const k of keys) delete d.terms[k];
      if (!Object.keys(d.terms).length) delete d.terms;
    }
    return d;
  }

  // The answer on its way is out of date: the deal changed since it was
  // asked (a newer request follows, or a change waits for its debounce).
  function outdated() {
    return state.again || state.timer !== 0;
  }

  // One plan request at a time: a change while one is on its way asks
  // again once it is back, for the deal as it is then; the answer to a deal
  // that has changed since is dropped.
  function refresh() {
    state.again = true;
    if (!state.inflight) {
      state.inflight = (async () => {
        try {
          while (state.again) {
            state.again = false;
            await refreshOnce();
          }
        } finally {
          state.inflight = null;
        }
      })();
    }
    return state.inflight;
  }

  async function refreshOnce() {
    const deal = collectDeal();
    let plans = null;
    let errors = [];
    try {
      let res = await postDeal('/api/select', deal);
      if (outdated()) return;
      if (!res.ok) {
        errors = await errorsOf(res);
        // The clauses depend on the deal's facts only: when its terms alone
        // are wrong, the plan of the deal without them is the plan.
        const bad = errors.filter((e) => e.severity === 'error');
        if (res.status === 400 && bad.length && bad.every((e) => e.path && e.path.startsWith('terms.'))) {
          res = await postDeal('/api/select', withoutTerms(deal, bad.map((e) => e.path.slice(6).replace(/\[\d+\]$/, ''))));
        }
      }
      if (res.ok) {
        const j = await res.json();
        plans = Array.isArray(j) ? j : [j];
      }
    } catch (e) {
      if (!outdated()) $('#plan-status').textContent = 'The server cannot be reached: ' + e.message;
      return;
    }
    if (outdated()) return;
    state.errors = errors;
    state.draftErrors = [];
    if (plans) {
      state.plans = plans;
      // The suggestions are the deal's, the same in each document's plan.
      state.suggestions = plans[0].suggestions || [];
      state.stale = false;
      state.dealId = deal.id;
      $('#plan-status').textContent = 'Plan for deal ' + deal.id + ' (updated ' +
        new Date().toLocaleTimeString() + ')';
    } else {
      state.stale = state.plans !== null;
      $('#plan-status').textContent = state.plans
        ? 'The deal changed: the plan below follows it again once its facts are complete.'
        : 'The plan appears once the deal’s facts are filled in.';
    }
    render();
  }

  // The plan follows the deal 400 ms after the last change: typing asks
  // the server once, not at every key.
  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => { state.timer = 0; refresh(); }, 400);
  }

  // A change still waiting for its plan is checked first, so that a draft's
  // answer is read against the deal as it is now.
  async function settle() {
    if (state.timer) {
      clearTimeout(state.timer);
      state.timer = 0;
      await refresh();
    } else if (state.inflight) {
      await state.inflight;
    }
  }

  // The first field with a message: its section opens and it takes the focus.
  function focusFirstProblem() {
    for (const s of SECTIONS) {
      for (const f of state.fields.values()) {
        if (f.section === s && f.msg.textContent) {
          goToField(f.path);
          return true;
        }
      }
    }
    return false;
  }

  async function refused(res, what) {
    state.showAll = true;
    state.draftErrors = await errorsOf(res);
    render();
    const n = $$('.msg').filter((m) => m.textContent).length;
    $('#plan-status').textContent = 'No ' + what + ' yet: ' +
      (n ? n + (n === 1 ? ' field needs' : ' fields need') + ' your attention (marked in the form).'
        : 'see the problems above.');
    focusFirstProblem();
  }

  async function downloadDraft(doc) {
    await settle();
    const deal = collectDeal();
    const status = $('#plan-status');
    status.textContent = 'Assembling the ' + (DOCUMENT_NAMES[doc] || doc) + '…';
    const res = await postDeal('/api/assemble?document=' + encodeURIComponent(doc), deal);
    if (!res.ok) {
      await refused(res, 'draft');
      return;
    }
    const blob = await res.blob();
    const name = fileNameOf(res, deal.id + '-' + doc + '.docx');
    saveBlob(blob, name);
    status.textContent = 'Downloaded ' + name + '.';
  }

  // The rationale memo (POST /api/memo): a DOCX for the deal's approval file.
  async function downloadMemo() {
    await settle();
    const deal = collectDeal();
    const status = $('#plan-status');
    status.textContent = 'Writing the rationale memo…';
    // One memo for the deal's documents, values still missing listed in it.
    const res = await postDeal('/api/memo', deal);
    if (res.status === 404 || res.status === 405) {
      status.textContent = 'This server cannot write the rationale memo; “Download report (JSON)” ' +
        'gives the plan and its reasons as data.';
      return;
    }
    if (!res.ok) {
      await refused(res, 'memo');
      return;
    }
    const blob = await res.blob();
    const name = fileNameOf(res, (deal.id || 'deal') + '-memo.docx');
    saveBlob(blob, name);
    status.textContent = 'Downloaded ' + name + '.';
  }

  function downloadReport() {
    if (!state.plans) return;
    const id = state.dealId || 'deal';
    const reports = state.plans.map((p) => Object.assign({}, p, { output: id + '-' + p.document + '.docx' }));
    const json = JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n';
    saveBlob(new Blob([json], { type: 'application/json' }), id + '-rationale.json');
  }

  function downloadDeal() {
    const deal = collectDeal();
    saveBlob(new Blob([toYaml(deal)], { type: 'application/yaml' }), (deal.id || 'deal') + '.yaml');
  }

  // ---- sections ----

  function showSection(name, focusTab) {
    state.section = name;
    for (const s of SECTIONS) {
      const on = s === name;
      const tab = $('#tab-' + s);
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      $('#sec-' + s).hidden = !on;
    }
    const i = SECTIONS.indexOf(name);
    const back = $('#step-back');
    const next = $('#step-next');
    back.hidden = i === 0;
    next.hidden = i === SECTIONS.length - 1;
    if (i > 0) back.textContent = '← Back: ' + SECTION_NAMES[SECTIONS[i - 1]];
    if (i < SECTIONS.length - 1) next.textContent = 'Next: ' + SECTION_NAMES[SECTIONS[i + 1]] + ' →';
    if (focusTab) $('#tab-' + name).focus();
  }

  function step(by) {
    const i = SECTIONS.indexOf(state.section) + by;
    if (i < 0 || i >= SECTIONS.length) return;
    showSection(SECTIONS[i]);
    const tabs = $('#section-tabs');
    if (tabs.getBoundingClientRect().top < 0) tabs.scrollIntoView({ block: 'start' });
    $('#sec-' + SECTIONS[i] + ' .panel-title').focus();
  }

  // ---- building the form from the catalogue ----

  function termInput(t) {
    const id = 't-' + t.key;
    const hasDefault = t.default !== null && t.default !== undefined;
    const sample = (hasDefault ? t.default : t.example) || '';
    const long = t.kind === 'text' && sample.length > 40;
    const attrs = { id, 'data-path': 'terms.' + t.key, 'data-kind': t.kind,
      'data-default': hasDefault ? t.default : null, autocomplete: 'off' };
    let input;
    if (long) {
      input = el('textarea', Object.assign(attrs, { rows: '3' }));
    } else {
      const type = t.kind === 'url' ? 'url' : t.kind === 'email' ? 'email' : 'text';
      const mode = t.kind === 'days' || t.kind === 'months' ? 'numeric' : t.kind === 'amount' ? 'decimal' : null;
      input = el('input', Object.assign(attrs, { type, inputmode: mode,
        class: t.kind === 'days' || t.kind === 'months' || t.kind === 'currency' ? 'short' : null }));
    }
    // Counsel's standard value is the field's value: a real one, not a hint.
    input.value = hasDefault ? t.default : '';
    return input;
  }

  const UNITS = { days: 'days', months: 'months', currency: 'ISO 4217 code, such as USD or EUR' };

  // A term's name for people: counsel's label, or a template's own key in words.
  function termLabel(key) {
    const t = state.catalogue && state.catalogue.terms.find((x) => x.key === key);
    if (t && t.label) return t.label;
    const words = key.replace(/_/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function termField(t) {
    const id = 't-' + t.key;
    const hasDefault = t.default !== null && t.default !== undefined;
    const input = termInput(t);
    const label = termLabel(t.key);
    input.dataset.label = label;
    const hint = t.description +
      (UNITS[t.kind] && t.kind !== 'currency' ? ' In ' + UNITS[t.kind] + '.' : '') +
      (t.template_only ? ' Used by the ' + t.documents.map((d) => DOCUMENT_NAMES[d] || d).join(', ') + ' template.' : '');
    // The library's example (from some other deal) helps only while the field is empty.
    const example = !hasDefault && t.example && !t.template_only
      ? el('span', { class: 'example', text: ' For example: ' + t.example }) : null;
    const badge = el('span', { class: 'std', id: id + '-std' });
    const reset = hasDefault
      ? el('button', { type: 'button', class: 'link reset', 'data-reset': t.key, hidden: true,
        text: 'Use the standard value (' + t.default + ')' })
      : null;
    return el('div', { class: 'field term' + (input.tagName === 'TEXTAREA' ? ' long' : '') },
      el('label', { for: id }, label, badge),
      input,
      el('span', { class: 'hint', id: id + '-h' }, hint, example),
      reset,
      el('span', { class: 'msg', id: id + '-m' }));
  }

  // A term's mark: counsel's standard value, changed, or empty.
  function markTerm(t) {
    const n = document.getElementById('t-' + t.key);
    if (!n) return;
    const v = n.value.replace(/\s+/g, ' ').trim();
    const example = n.closest('.field').querySelector('.example');
    if (example) example.hidden = v !== '';
    if (t.default === null || t.default === undefined) return;
    const badge = document.getElementById('t-' + t.key + '-std');
    const reset = n.closest('.field').querySelector('.reset');
    if (v === t.default) badge.textContent = ' · standard value';
    else if (v === '') badge.textContent = ' · empty: the standard value applies';
    else badge.textContent = ' · changed';
    reset.hidden = v === t.default;
  }

  function buildForm(cat) {
    $('#f-documents').replaceChildren(...cat.documents.map((d) => {
      const id = 'f-doc-' + d;
      return el('label', { for: id }, el('input', { type: 'checkbox', id, value: d, checked: d === 'contract' }),
        DOCUMENT_NAMES[d] || d);
    }));
    $('#f-capabilities').replaceChildren(...(cat.capabilities || []).map((c) => {
      const id = 'cap-' + c.id;
      return el('label', { for: id }, el('input', { type: 'checkbox', id, value: c.id }), c.words);
    }));
    $('#risk-areas').replaceChildren(...cat.areas.map((a) => {
      const fs = el('fieldset', { class: 'area', id: 'area-' + a.id },
        el('legend', { text: a.title }),
        el('p', { class: 'area-desc', text: a.description }));
      for (const r of cat.risks.filter((x) => x.area === a.id)) {
        const id = 'r-' + r.id;
        // Its description, then (once the facts suggest it) why and the decision.
        fs.append(el('div', { class: 'risk', 'data-risk': r.id },
          el('input', { type: 'checkbox', id, value: r.id, 'aria-describedby': id + '-d ' + id + '-why m-risks' }),
          el('label', { for: id }, r.title, el('span', { class: 'weight', text: 'weight ' + r.weight })),
          el('span', { class: 'desc', id: id + '-d', text: r.description }),
          el('div', { class: 'sugg', id: id + '-s', hidden: true })));
      }
      return fs;
    }));
    $('#term-fields').replaceChildren(...cat.terms.map(termField));
    for (const t of cat.terms) markTerm(t);
    $('#f-date').value = today();
    $('#f-id').value = 'Q-' + today().replace(/-/g, '');
    registerFields();
  }

  // The example: examples/deals/direct-biometric-security-service.yaml,
  // counsel's reviewed deal, so every value fits the others (a security
  // service's face matching at border posts, not a shop's people counter).
  const EXAMPLE = {
    id: 'Q-2026-0117', documents: ['contract'], date: '2026-11-27',
    seller: { name: 'Northwind Sensing Systems, Inc.',
      address: '400 Harbor Point Drive, Suite 12, Port Alder 10021, Republic of Kestova',
      jurisdiction: 'Republic of Kestova' },
    customer: { name: 'Directorate of Internal Security of the Republic of Valmora',
      address: '5 Citadel Road, Valm 2040, Republic of Valmora', country: 'XA', kind: 'security-service' },
    product: { name: 'Sentinel FaceMatch 4',
      capabilities: ['biometric-identification', 'face-recognition', 'watchlist-matching'] },
    deployment: 'on-premises', license: 'perpetual', end_use: 'known',
    risks: ['product.biometric-identification', 'product.sensitive-data-collection',
      'product.identity-analytics', 'product.similar-misuse-reported', 'end-user.security-service-misuse',
      'end-user.poor-record', 'end-user.conflict-region'],
    terms: {
      authorized_purpose: 'checking, at passenger-screening points, whether a traveller\'s face matches a ' +
        'person named in a judicial arrest warrant for a recognizably criminal offence, so that a human ' +
        'officer can verify the match before taking any action',
      authorized_sites: 'the passenger-screening points of the international airports and land border ' +
        'crossings of the Republic of Valmora that the Customer has listed to the Supplier in writing ' +
        'before first use',
      fees: '1,250,000',
      initial_term_months: '36',
    },
  };

  // Puts a whole deal into the form (what it leaves out is emptied; terms
  // it leaves out get counsel's standard value back).
  function fillDeal(d) {
    const set = (id, v) => { document.getElementById(id).value = v || ''; };
    set('f-id', d.id);
    for (const c of $$('#f-documents input')) c.checked = (d.documents || []).includes(c.value);
    set('f-date', d.date);
    const s = d.seller || {};
    set('f-seller-name', s.name); set('f-seller-address', s.address); set('f-seller-jurisdiction', s.jurisdiction);
    const c = d.customer || {};
    set('f-customer-name', c.name); set('f-customer-address', c.address);
    set('f-customer-country', c.country); set('f-customer-kind', c.kind);
    const r = d.reseller;
    $('#f-has-reseller').checked = !!r;
    $('#reseller-fields').hidden = !r;
    set('f-reseller-name', r && r.name); set('f-reseller-country', r && r.country);
    const p = d.product || {};
    set('f-product-name', p.name);
    for (const x of $$('#f-capabilities input')) x.checked = (p.capabilities || []).includes(x.value);
    set('f-deployment', d.deployment); set('f-license', d.license); set('f-end-use', d.end_use);
    for (const x of $$('#risk-areas input[type=checkbox]')) x.checked = (d.risks || []).includes(x.value);
    state.riskOrder = (d.risks || []).slice();
    // The dismissals of risks the catalogue has and the deal does not list.
    state.dismissing = null;
    state.dismissed = new Map();
    for (const x of Array.isArray(d.dismissed) ? d.dismissed : []) {
      if (!x || typeof x.risk !== 'string' || !document.getElementById('r-' + x.risk) ||
        (d.risks || []).includes(x.risk)) continue;
      const reason = oneLine(x.reason);
      const by = oneLine(x.by);
      const date = /^\d{4}-\d{2}-\d{2}$/.test(String(x.date || '')) ? String(x.date) : today();
      const confirmedBy = oneLine(x.confirmed_by);
      if (reason && by) state.dismissed.set(x.risk, { reason, by, date, confirmedBy });
    }
    for (const t of state.catalogue.terms) {
      const given = d.terms && d.terms[t.key];
      set('t-' + t.key, given !== undefined ? given : (t.default !== null && t.default !== undefined ? t.default : ''));
      markTerm(t);
    }
    // The last deal's suggestions are not this one's: its plan brings them.
    state.suggestions = [];
    renderFlags();
  }

  // ---- reading a deal file ----

  // The YAML deal files are written in: block mappings and sequences,
  // sequences and mappings in brackets on one line, quoted and plain
  // scalars (over several lines too), folded (>) and literal (|) blocks,
  // comments. Every scalar is read as a string (the form's values are), ~
  // and null as null. What else YAML has (anchors, aliases, tags, several
  // documents) is refused with its line: the CLI reads those files.
  function readYaml(text) {
    const lines = String(text).replace(/^\uFEFF/, '').split(/\r?\n/);
    let i = 0;
    const fail = (n, what) => {
      throw new Error('line ' + (n + 1) + ': ' + what);
    };
    const indentOf = (l) => /^ */.exec(l)[0].length;
    // The line without its comment (a # after a space, outside quotes).
    function uncomment(l) {
      let q = '';
      for (let k = 0; k < l.length; k++) {
        const c = l[k];
        if (q) {
          if (c === '\\' && q === '"') k++;
          else if (c === q) q = '';
        } else if (c === '"' || c === '\'') {
          q = c;
        } else if (c === '#' && (k === 0 || /\s/.test(l[k - 1]))) {
          return l.slice(0, k).trimEnd();
        }
      }
      return l.trimEnd();
    }
    const blank = (l) => uncomment(l).trim() === '';
    // The next line that holds something, skipping blank and comment lines.
    function next() {
      while (i < lines.length && blank(lines[i])) {
        if (/^(---|\.\.\.)\s*$/.test(lines[i])) break;
        i++;
      }
      if (i < lines.length && /^(---|\.\.\.)(\s|$)/.test(lines[i])) {
        if (i === 0 || lines.slice(0, i).every(blank)) {
          if (/^---\s*(#.*)?$/.test(lines[i])) {
            i++;
            return next();
          }
        }
        fail(i, 'a file of several YAML documents');
      }
      return i < lines.length ? i : -1;
    }
    // A scalar or a bracketed list or mapping, starting at s[0]; with what
    // follows it on the line.
    function flow(s, n) {
      s = s.trimStart();
      const c = s[0];
      if (c === '[' || c === '{') {
        const close = c === '[' ? ']' : '}';
        const out = c === '[' ? [] : {};
        let rest = s.slice(1).trimStart();
        while (rest[0] !== close) {
          if (!rest) fail(n, 'a “' + c + '” not closed on its line');
          let key = null;
          if (c === '{') {
            const k = scalar(rest, n, true);
            rest = k.rest.trimStart();
            key = k.value;
            if (rest[0] === ',' || rest[0] === close) {
              out[key] = null; // a key alone: its value is null
              if (rest[0] === ',') rest = rest.slice(1).trimStart();
              continue;
            }
            if (rest[0] !== ':') fail(n, 'a “:” is missing after ' + JSON.stringify(k.value));
            rest = rest.slice(1);
          }
          const v = rest.trimStart()[0] === '[' || rest.trimStart()[0] === '{' ? flow(rest, n) : scalar(rest, n, true);
          if (c === '[') out.push(v.value);
          else out[key] = v.value;
          rest = v.rest.trimStart();
          if (rest[0] === ',') rest = rest.slice(1).trimStart();
          else if (rest[0] !== close) fail(n, 'a “,” or “' + close + '” is expected');
        }
        return { value: out, rest: rest.slice(1) };
      }
      return scalar(s, n, false);
    }
    // A quoted or plain scalar; inFlow: it ends at , ] } too.
    function scalar(s, n, inFlow) {
      s = s.trimStart();
      const c = s[0];
      if (c === '"') {
        let k = 1;
        while (k < s.length && s[k] !== '"') k += s[k] === '\\' ? 2 : 1;
        if (k >= s.length) fail(n, 'a quote not closed');
        let value;
        try {
          value = JSON.parse(s.slice(0, k + 1).replace(/\\([0abtnvfre \/N_LP]|x[0-9A-Fa-f]{2}|U[0-9A-Fa-f]{8})/g, (m, e) => {
            const map = { 0: '\\u0000', a: '\\u0007', v: '\\u000b', e: '\\u001b', ' ': ' ', '/': '/', N: '\\u0085',
              _: '\\u00a0', L: '\\u2028', P: '\\u2029', b: '\\b', t: '\\t', n: '\\n', f: '\\f', r: '\\r' };
            if (e[0] === 'x') return '\\u00' + e.slice(1);
            if (e[0] === 'U') return JSON.stringify(String.fromCodePoint(parseInt(e.slice(1), 16))).slice(1, -1);
            return map[e];
          }));
        } catch (err) {
          fail(n, 'a quoted value YAML does not allow');
        }
        return { value, rest: s.slice(k + 1) };
      }
      if (c === '\'') {
        let k = 1;
        let v = '';
        for (;;) {
          if (k >= s.length) fail(n, 'a quote not closed');
          if (s[k] === '\'') {
            if (s[k + 1] === '\'') {
              v += '\'';
              k += 2;
              continue;
            }
            break;
          }
          v += s[k++];
        }
        return { value: v, rest: s.slice(k + 1) };
      }
      if (c === '&' || c === '*' || c === '!') fail(n, 'anchors, aliases and tags (' + c + ') are not read here');
      const m = (inFlow ? /^[^,\]}]*?(?=\s*(?:[,\]}]|:\s|:$|$))/ : /^.*$/).exec(s);
      const raw = m[0].trim();
      return { value: raw === '~' || raw === 'null' || raw === 'Null' || raw === 'NULL' ? null : raw, rest: s.slice(m[0].length) };
    }
    // A value that goes on over the next lines (more indented than ind):
    // its lines folded into one, as YAML does.
    function continued(first, ind) {
      const parts = [first];
      while (i < lines.length && (blank(lines[i]) || indentOf(lines[i]) > ind) && !/^\s*#/.test(lines[i])) {
        const l = lines[i];
        if (blank(l)) {
          let j = i;
          while (j < lines.length && blank(lines[j])) j++;
          if (j >= lines.length || indentOf(lines[j]) <= ind) break;
          parts.push('\n');
        } else {
          parts.push(uncomment(l).trim());
        }
        i++;
      }
      return parts.join(' ').replace(/ ?\n ?/g, '\n');
    }
    // A value after "key:" or "- " on line n (its parent at indent ind).
    function value(rest, n, ind) {
      const t = rest.trim();
      const block = /^([|>])([+-]?)(\d?)([+-]?)$/.exec(t);
      if (block) return blockScalar(block[1], block[2] || block[4], block[3], ind);
      if (t === '') {
        const j = next();
        if (j >= 0 && (indentOf(lines[j]) > ind || (indentOf(lines[j]) === ind && /^ *-( |$)/.test(lines[j])))) {
          return node(indentOf(lines[j]));
        }
        return null;
      }
      if (t[0] === '"' || t[0] === '\'') {
        // A quoted value may go on over the next lines.
        let text = t;
        const q = t[0];
        const closed = (x) => {
          try {
            scalar(x, n, false);
            return true;
          } catch (e) {
            return false;
          }
        };
        while (!closed(text) && i < lines.length) {
          text += (blank(lines[i]) ? '\n' : ' ') + lines[i].trim();
          i++;
        }
        const v = scalar(text.replace(/ ?\n ?/g, q === '"' ? '\\n' : '\n'), n, false);
        if (uncomment(v.rest).trim()) fail(n, 'something after the closing quote');
        return v.value;
      }
      if (t[0] === '[' || t[0] === '{') {
        const v = flow(t, n);
        if (v.rest.trim()) fail(n, 'something after the closing bracket');
        return v.value;
      }
      const v = scalar(t, n, false).value;
      return v === null ? null : continued(v, ind);
    }
    function blockScalar(kind, chomp, width, ind) {
      const body = [];
      let at = width ? ind + Number(width) : -1;
      while (i < lines.length) {
        const l = lines[i];
        if (l.trim() === '') {
          body.push('');
          i++;
          continue;
        }
        if (at < 0) at = indentOf(l);
        if (indentOf(l) < at || at <= ind) break;
        body.push(l.slice(at));
        i++;
      }
      let end = body.length;
      while (end > 0 && body[end - 1] === '') end--;
      const trail = body.slice(end).length;
      const kept = body.slice(0, end);
      let text;
      if (kind === '|') {
        text = kept.join('\n');
      } else {
        text = '';
        kept.forEach((l, k) => {
          if (k === 0) text = l;
          else if (l === '' || /^\s/.test(l) || kept[k - 1] === '' || /^\s/.test(kept[k - 1])) text += '\n' + l;
          else text += ' ' + l;
        });
        text = text.replace(/\n(?=[^\n\s])/g, (m, off) => (text[off - 1] === '\n' ? '' : m));
      }
      if (chomp === '-') return text;
      if (chomp === '+') return text + '\n'.repeat(trail + 1);
      return kept.length ? text + '\n' : '';
    }
    // A block mapping or sequence whose lines start at column ind.
    function node(ind) {
      const first = next();
      if (/^ *-( |$)/.test(lines[first])) {
        const out = [];
        let j;
        while ((j = next()) >= 0 && indentOf(lines[j]) === ind && /^ *-( |$)/.test(lines[j])) {
          const after = lines[j].slice(ind + 1);
          const col = ind + 1 + /^ */.exec(after)[0].length;
          const content = uncomment(after).trim();
          if (content && /^[^'"[{#][^#]*?:(\s|$)|^("[^"]*"|'[^']*'):(\s|$)/.test(content)) {
            // "- key: value": a mapping whose keys start at col.
            lines[j] = ' '.repeat(col) + lines[j].slice(col);
            out.push(node(col));
          } else {
            i = j + 1;
            out.push(value(after, j, ind));
          }
        }
        if (j >= 0 && indentOf(lines[j]) > ind) fail(j, 'this line is indented more than its list');
        return out;
      }
      const out = {};
      let j;
      while ((j = next()) >= 0 && indentOf(lines[j]) === ind) {
        const l = lines[j].slice(ind);
        if (/^-( |$)/.test(l)) fail(j, 'a list item where a key is expected');
        let key;
        let rest;
        if (l[0] === '"' || l[0] === '\'') {
          const k = scalar(l, j, false);
          key = k.value;
          rest = k.rest.trimStart();
          if (rest[0] !== ':') fail(j, 'a “:” is missing after the key');
          rest = rest.slice(1);
        } else {
          const m = /^([^#]*?):(?:\s+|$)(.*)$/.exec(uncomment(l));
          if (!m) fail(j, 'a “key: value” line is expected');
          key = m[1];
          rest = m[2];
          if (/^[&*!]/.test(key)) fail(j, 'anchors, aliases and tags are not read here');
        }
        if (key === '<<') fail(j, 'merge keys (<<) are not read here');
        if (Object.prototype.hasOwnProperty.call(out, key)) fail(j, '“' + key + '” is given twice');
        i = j + 1;
        out[key] = value(rest, j, ind);
      }
      if (j >= 0 && indentOf(lines[j]) > ind) fail(j, 'this line is indented more than the keys above it');
      return out;
    }
    const start = next();
    if (start < 0) return null;
    if (indentOf(lines[start]) !== 0) fail(start, 'the file’s first key is indented');
    const doc = node(0);
    const rest = next();
    if (rest >= 0) fail(rest, 'this line is indented less than the keys above it');
    return doc;
  }

  // Every value a deal gives, by key path ("reseller.address", "positions";
  // a list's items each, as "risks: product.x").
  function dealLeaves(obj, prefix, out) {
    for (const [k, v] of Object.entries(obj || {})) {
      const p = prefix ? prefix + '.' + k : k;
      if (Array.isArray(v)) {
        for (const x of v) out.push({ path: p, item: x && typeof x === 'object' ? x.risk || JSON.stringify(x) : String(x) });
      } else if (v && typeof v === 'object') {
        dealLeaves(v, p, out);
      } else if (v !== null && v !== undefined && v !== '') {
        out.push({ path: p });
      }
    }
    return out;
  }

  // What a deal file gives that the form has no place for: left out.
  function leftOut(given, kept) {
    const have = new Set(dealLeaves(kept, '', []).map((l) => l.path + (l.item !== undefined ? ': ' + l.item : '')));
    const terms = new Set((state.catalogue ? state.catalogue.terms : []).map((t) => 'terms.' + t.key));
    const out = [];
    for (const l of dealLeaves(given, '', [])) {
      const name = l.path + (l.item !== undefined ? ': ' + l.item : '');
      if (have.has(name) || terms.has(l.path)) continue;
      if (!out.includes(name)) out.push(name);
    }
    return out;
  }

  // A deal file (YAML or JSON) into the form; what it gives that the form
  // cannot hold is named, not dropped unsaid.
  async function openDealFile(file) {
    const status = $('#open-status');
    status.classList.remove('bad');
    let deal;
    try {
      const text = await file.text();
      deal = /\.json$/i.test(file.name) || /^\s*\{/.test(text) ? JSON.parse(text) : readYaml(text);
      if (!deal || typeof deal !== 'object' || Array.isArray(deal)) throw new Error('it holds no deal (a mapping of keys)');
    } catch (e) {
      status.textContent = file.name + ' could not be read: ' + e.message + '.';
      status.classList.add('bad');
      return;
    }
    fillDeal(deal);
    state.touched.clear();
    state.showAll = false;
    const lost = leftOut(deal, collectDeal());
    const nDismissed = state.dismissed.size;
    status.textContent = 'Opened ' + file.name + (nDismissed
      ? ', with ' + nDismissed + (nDismissed === 1 ? ' dismissed red flag' : ' dismissed red flags') : '') + '.' +
      (lost.length ? ' The form has no place for: ' + lost.join(', ') +
        '; the deal file you download leaves them out.' : '');
    schedule();
  }

  function loadExample() {
    fillDeal(EXAMPLE);
    $('#open-status').textContent = '';
    state.touched.clear();
    state.showAll = false;
    schedule();
  }

  // ---- inspect ----

  function errorList(box, errors, heading) {
    box.replaceChildren(el('strong', { text: heading }),
      el('ul', {}, ...errors.map((e) => el('li', {}, tidy(e.message) +
        (e.part ? ' (in ' + e.part + (e.paragraph ? ', paragraph ' + e.paragraph : '') + ')' : '')))));
    box.hidden = errors.length === 0;
  }

  // Today as YYYY-MM-DD (UTC): the date a dismissal is decided on.
  function today() {
    return new Date().toISOString().slice(0, 10);
  }

  // "2026-12-07T09:00:00Z" -> "2026-12-07"; anything else as it is.
  function dayOf(at) {
    const m = /^(\d{4}-\d{2}-\d{2})T/.exec(at || '');
    return m ? m[1] : String(at || '');
  }

  // A clause's place in the negotiation playbook: standard, fallback N (with
  // the playbook's note), or deviation (flagged when the clause is not
  // negotiable). Empty for a clause the draft no longer holds as text.
  function positionCell(c) {
    const td = el('td', { class: 'pos' });
    if (!c.position) return td;
    const kind = c.position === 'standard' ? 'standard' : c.position === 'deviation' ? 'deviation' : 'fallback';
    td.append(el('span', { class: 'st pos-' + kind, text: c.position }));
    if (c.not_negotiable) td.append(' ', el('span', { class: 'flag', text: 'not negotiable' }));
    if (c.note) td.append(el('span', { class: 'note', text: c.note }));
    const open = openFallbacks(c);
    if (open.length) {
      td.classList.add('has-fallbacks');
      td.append(el('span', { class: 'fb-head', text: 'Fallbacks still open:' }),
        el('ul', { class: 'fallbacks' }, ...open.map((f) => el('li', {},
          el('strong', { text: 'fallback ' + f.position }),
          ' — ' + (f.approver_title || f.approver || 'someone') + ' may agree' + (f.note ? ': ' : '.'),
          f.note ? el('span', { class: 'fb-note', text: f.note }) : null))));
    }
    return td;
  }

  // The playbook's fallbacks a deviating clause can still be offered at the
  // draft's tier: those the server lists but the one the draft was made
  // with (restoring that one is restoring the draft's text).
  function openFallbacks(c) {
    if (c.position !== 'deviation' || c.negotiable === false || !Array.isArray(c.fallbacks)) return [];
    return c.fallbacks.filter((f) => Number.isInteger(f.position) && f.position > 0 &&
      f.position !== c.drafted_position);
  }

  // The redline's choice of what to restore the deviating clauses to: the
  // draft's own text, or fallback N for each N some deviating clause can
  // still be offered (clauses without one go back to the draft's text).
  function redlineTargets(clauses) {
    const deviating = clauses.filter((c) => c.position === 'deviation');
    const counts = new Map();
    for (const c of deviating) {
      for (const f of openFallbacks(c)) counts.set(f.position, (counts.get(f.position) || 0) + 1);
    }
    const box = $('#redline-to-choices');
    box.replaceChildren(box.querySelector('label[for="redline-to-standard"]'));
    $('#redline-to-standard').checked = true;
    for (const n of Array.from(counts.keys()).sort((a, b) => a - b)) {
      const id = 'redline-to-fallback-' + n;
      const have = counts.get(n);
      const which = have === deviating.length
        ? (have === 1 ? 'the deviating clause has one' : 'each of the ' + have + ' deviating clauses has one')
        : have + ' of the ' + deviating.length + ' deviating clauses ' + (have === 1 ? 'has' : 'have') + ' one; ' +
          (deviating.length - have === 1 ? 'the other goes' : 'the others go') + ' back to the draft’s text';
      box.append(el('label', { for: id },
        el('input', { type: 'radio', name: 'redline-to', id, value: 'fallback:' + n }),
        el('span', {}, 'fallback ' + n + ' ', el('span', { class: 'std', text: '(' + which + ')' }))));
    }
    $('#redline-to').hidden = counts.size === 0;
  }

  // Who must approve the clause's text, or the approval on record for it.
  function approvalCell(c) {
    const a = c.approved;
    if (a) {
      return el('td', { class: 'approval approved',
        text: 'approved by ' + a.by + ' (' + a.role + ') on ' + dayOf(a.at) + (a.note ? ': ' + a.note : '') });
    }
    if (c.approver_title) return el('td', { class: 'approval needs', text: 'needs ' + c.approver_title });
    return el('td', { class: 'approval' });
  }

  async function inspect(file) {
    const status = $('#inspect-status');
    const box = $('#inspect-errors');
    const out = $('#inspect-result');
    box.hidden = true;
    out.replaceChildren();
    $('#redline-actions').hidden = true;
    $('#negotiation-summary').hidden = true;
    state.inspected = null;
    status.textContent = 'Reading ' + file.name + '…';
    const res = await fetch('/api/inspect', { method: 'POST', body: await file.arrayBuffer(),
      headers: { 'Content-Type': DOCX_TYPE } });
    if (!res.ok) {
      errorList(box, await errorsOf(res), file.name + ' could not be inspected:');
      status.textContent = '';
      return;
    }
    const j = await res.json();
    const counts = {};
    for (const c of j.clauses) counts[c.status] = (counts[c.status] || 0) + 1;
    status.textContent = file.name + ': deal ' + (j.deal || '?') + ', ' + (j.document || '?') + '; ' +
      Object.entries(counts).map(([k, n]) => n + ' ' + k).join(', ') + '.';
    $('#negotiation-summary').textContent = j.summary_text || '';
    $('#negotiation-summary').hidden = !j.summary_text;
    const table = el('table', { class: 'inspect' },
      el('caption', { class: 'visually-hidden', id: 'inspect-caption', text: 'The clauses of ' + file.name }),
      el('thead', {}, el('tr', {}, ...['Clause', 'Version', 'Status', 'Position', 'Approval', 'Changes']
        .map((h) => el('th', { scope: 'col', text: h })))));
    const tb = el('tbody');
    for (const c of j.clauses) {
      let note = c.diff || c.text || '';
      if (c.status === 'outdated' && c.library_version) note = 'the library has version ' + c.library_version + '. ' + note;
      tb.append(el('tr', { 'data-clause': c.id || '' },
        el('td', {}, (c.title ? c.title + ' ' : ''), el('span', { class: 'cid', text: c.id || '(no tag)' })),
        el('td', { text: c.version === null || c.version === undefined ? '' : String(c.version) }),
        el('td', { class: 'st st-' + c.status, text: c.status }),
        positionCell(c),
        approvalCell(c),
        el('td', { class: 'diff', text: note })));
    }
    table.append(tb);
    // On a narrow screen the table scrolls sideways in its box, not the page.
    out.append(el('div', { class: 'table-scroll', role: 'region', tabindex: '0',
      'aria-labelledby': 'inspect-caption' }, table));
    const outside = j.outside_clauses || [];
    if (outside.length) {
      out.append(el('section', { class: 'outside', 'aria-labelledby': 'outside-title' },
        el('h3', { id: 'outside-title', text: 'Text added outside any clause' }),
        el('p', { class: 'hint', text: 'No clause covers these paragraphs, so no approval says anything about them: read each yourself.' }),
        el('ul', {}, ...outside.map((t) => el('li', { text: t })))));
    }
    redlineTargets(j.clauses);
    state.inspected = file;
    $('#redline-actions').hidden = false;
  }

  // The inspected draft back from /api/redline: every change to a clause
  // undone as tracked changes, signed with the name given (if any).
  async function downloadRedline() {
    const file = state.inspected;
    if (!file) return;
    const status = $('#inspect-status');
    const box = $('#inspect-errors');
    const button = $('#download-redline');
    box.hidden = true;
    button.disabled = true;
    status.textContent = 'Making the redline of ' + file.name + '…';
    try {
      const q = new URLSearchParams();
      const author = $('#redline-author').value.trim();
      if (author) q.set('author', author);
      const outgoing = $('#redline-comments-outgoing').checked;
      if (outgoing) q.set('comments', 'outgoing');
      const to = $('#redline-to').hidden ? null : $('#redline-to input:checked');
      if (to && to.value !== 'standard') q.set('to', to.value);
      const query = q.toString();
      const res = await fetch('/api/redline' + (query ? '?' + query : ''), { method: 'POST',
        body: await file.arrayBuffer(), headers: { 'Content-Type': DOCX_TYPE } });
      if (!res.ok) {
        errorList(box, await errorsOf(res), 'The redline of ' + file.name + ' could not be made:');
        status.textContent = '';
        return;
      }
      // The copy for the other side is named so, apart from counsel's.
      const name = file.name.replace(/\.docx$/i, '') + (outgoing ? '-redline-outgoing.docx' : '-redline.docx');
      saveBlob(await res.blob(), name);
      status.textContent = 'Downloaded ' + name + ': open it in Word or LibreOffice to review the tracked changes. ' +
        (outgoing ? 'Its comments are written for the other side.'
          : 'Its comments are for our side: delete them before sending it.');
    } finally {
      button.disabled = false;
    }
  }

  // ---- pages and events ----

  function showPage() {
    const inspectPage = location.hash === '#inspect';
    $('#page-inspect').hidden = !inspectPage;
    $('#page-questionnaire').hidden = inspectPage;
    $('#nav-inspect').toggleAttribute('aria-current', inspectPage);
    $('#nav-questionnaire').toggleAttribute('aria-current', !inspectPage);
    if (inspectPage) $('#nav-inspect').setAttribute('aria-current', 'page');
    else $('#nav-questionnaire').setAttribute('aria-current', 'page');
  }

  function pathOfEvent(ev) {
    const holder = ev.target.closest && ev.target.closest('[data-path]');
    return holder ? holder.getAttribute('data-path') : null;
  }

  async function start() {
    window.addEventListener('hashchange', showPage);
    showPage();
    showSection('deal');
    let cat;
    try {
      const res = await fetch('/api/risks');
      if (!res.ok) throw new Error('status ' + res.status);
      cat = await res.json();
    } catch (e) {
      const b = $('#load-error');
      b.textContent = 'The risk catalogue could not be loaded (' + e.message + '). Is clasm serve running?';
      b.hidden = false;
      return;
    }
    state.catalogue = cat;
    buildForm(cat);
    const form = $('#deal-form');
    // Typing changes the plan; a field's message shows once the user has
    // left it (or changed a choice), never while the page opens.
    form.addEventListener('input', (ev) => {
      if (ev.target.closest('.dismiss-form')) return; // not the deal until saved
      const t = ev.target.id && ev.target.id.startsWith('t-') &&
        state.catalogue.terms.find((x) => 't-' + x.key === ev.target.id);
      if (t) markTerm(t);
      changed(ev);
      schedule();
    });
    // A changed value's messages were about the value before: they go until
    // the server's answer on the new one (so that nothing shows up, and moves
    // the page, as the user leaves a field just corrected).
    const changed = (ev) => {
      const p = pathOfEvent(ev);
      const f = p && fieldFor(p);
      if (!f) return;
      const keep = (e) => !e.path || fieldFor(e.path) !== f;
      state.errors = state.errors.filter(keep);
      state.draftErrors = state.draftErrors.filter(keep);
    };
    const touch = (ev) => {
      if (ev.target.closest && ev.target.closest('.dismiss-form')) return;
      const p = pathOfEvent(ev);
      if (!p || state.touched.has(p)) return;
      // Leaving a box of choices counts only once focus leaves the box.
      if (ev.type === 'focusout' && ev.relatedTarget && ev.relatedTarget.closest &&
        ev.relatedTarget.closest('[data-path]') === ev.target.closest('[data-path]')) return;
      state.touched.add(p);
      showMessages();
    };
    form.addEventListener('focusout', touch);
    form.addEventListener('change', (ev) => {
      if (ev.target.closest('.dismiss-form')) return;
      const r = ev.target.closest('#risk-areas') && ev.target.type === 'checkbox' && ev.target.value;
      if (r) {
        state.riskOrder = state.riskOrder.filter((x) => x !== r);
        if (ev.target.checked) state.riskOrder.push(r);
        // Ticking a dismissed red flag undoes its dismissal: a risk is
        // carried or dismissed, never both.
        if (ev.target.checked && state.dismissed.has(r)) {
          state.dismissed.delete(r);
          announce('The dismissal of ' + riskTitle(r) + ' is undone: it is ticked.');
        }
        if (ev.target.checked && state.dismissing === r) state.dismissing = null; // ticked: not dismissed
        renderFlags();
      }
      changed(ev);
      touch(ev);
      schedule();
    });
    // The suggestions' actions: confirm, dismiss (with why and who), undo.
    $('#risk-areas').addEventListener('click', (ev) => {
      const b = ev.target.closest('button');
      if (!b) return;
      if (b.dataset.confirm) confirmRisk(b.dataset.confirm);
      else if (b.dataset.dismiss) openDismissal(b.dataset.dismiss);
      else if (b.dataset.dismissSave) saveDismissal(b.dataset.dismissSave);
      else if (b.dataset.dismissCancel) closeDismissal(b.dataset.dismissCancel, true);
      else if (b.dataset.undo) undoDismissal(b.dataset.undo);
    });
    $('#risk-areas').addEventListener('keydown', (ev) => {
      const box = ev.target.closest('.dismiss-form');
      if (!box || !state.dismissing) return;
      if (ev.key === 'Escape') {
        ev.preventDefault();
        closeDismissal(state.dismissing, true);
      } else if (ev.key === 'Enter' && (ev.target.tagName === 'INPUT' || ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        saveDismissal(state.dismissing);
      }
    });
    $('#sum-decide').addEventListener('click', (ev) => {
      ev.preventDefault();
      goToSuggestion(null);
    });
    $('#plan-body').addEventListener('click', (ev) => {
      const b = ev.target.closest('[data-go-flag]');
      if (b) goToSuggestion(b.getAttribute('data-go-flag'));
    });
    form.addEventListener('submit', (ev) => ev.preventDefault());
    form.addEventListener('click', (ev) => {
      const r = ev.target.closest('[data-reset]');
      if (!r) return;
      const t = state.catalogue.terms.find((x) => x.key === r.getAttribute('data-reset'));
      const n = document.getElementById('t-' + t.key);
      n.value = t.default;
      markTerm(t);
      n.focus();
      schedule();
    });
    $('#f-has-reseller').addEventListener('change', (ev) => {
      $('#reseller-fields').hidden = !ev.target.checked;
    });
    const tabs = $$('#section-tabs [role=tab]');
    for (const tab of tabs) tab.addEventListener('click', () => showSection(tab.dataset.section));
    $('#section-tabs').addEventListener('keydown', (ev) => {
      const i = SECTIONS.indexOf(state.section);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: SECTIONS.length - 1 }[ev.key];
      if (to === undefined) return;
      ev.preventDefault();
      showSection(SECTIONS[(to + SECTIONS.length) % SECTIONS.length], true);
    });
    $('#step-back').addEventListener('click', () => step(-1));
    $('#step-next').addEventListener('click', () => step(1));
    $('#missing-list').addEventListener('click', (ev) => {
      const b = ev.target.closest('[data-go]');
      if (b) goToField(b.getAttribute('data-go'));
    });
    $('#load-example').addEventListener('click', loadExample);
    $('#open-deal').addEventListener('click', () => $('#open-deal-file').click());
    $('#open-deal-file').addEventListener('change', (ev) => {
      const f = ev.target.files[0];
      ev.target.value = ''; // the same file again is a new choice
      if (f) openDealFile(f);
    });
    $('#download-rationale').addEventListener('click', () => downloadMemo().catch((e) => {
      $('#plan-status').textContent = 'The memo failed: ' + e.message;
    }));
    $('#download-report').addEventListener('click', downloadReport);
    $('#download-deal').addEventListener('click', downloadDeal);
    $('#inspect-file').addEventListener('change', (ev) => {
      const f = ev.target.files[0];
      if (f) inspect(f).catch((e) => { $('#inspect-status').textContent = 'Failed: ' + e.message; });
    });
    $('#download-redline').addEventListener('click', () => downloadRedline().catch((e) => {
      $('#inspect-status').textContent = 'The redline failed: ' + e.message;
    }));
    refresh();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
