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

  const state = {
    catalogue: null,
    touched: new Set(),
    showAll: false,
    plans: null,   // the last plans (array), or null
    dealId: '',
    seq: 0,
    timer: 0,
  };

  // ---- reading the form into a deal ----

  function val(id) {
    const n = document.getElementById(id);
    return n ? n.value.trim() : '';
  }

  function putIf(obj, key, v) {
    if (v !== '' && v !== undefined) obj[key] = v;
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
    const caps = val('f-product-capabilities').split(',').map((s) => s.trim()).filter(Boolean);
    if (caps.length) product.capabilities = caps;
    deal.product = product;
    putIf(deal, 'deployment', val('f-deployment'));
    putIf(deal, 'license', val('f-license'));
    putIf(deal, 'end_use', val('f-end-use'));
    const risks = $$('#risk-areas input:checked').map((c) => c.value);
    if (risks.length) deal.risks = risks;
    const terms = {};
    for (const t of (state.catalogue ? state.catalogue.terms : [])) putIf(terms, t.key, val('t-' + t.key));
    if (Object.keys(terms).length) deal.terms = terms;
    return deal;
  }

  // JSON with one value per line, and for each line the deal path it holds,
  // so the server's line:column diagnostics land next to the right field.
  function serialize(deal) {
    const lines = [];
    const paths = [];
    function emit(v, path, indent, prefix, trail) {
      const pad = '  '.repeat(indent);
      if (Array.isArray(v)) {
        lines.push(pad + prefix + '['); paths.push(path);
        v.forEach((x, i) => emit(x, path, indent + 1, '', i < v.length - 1 ? ',' : ''));
        lines.push(pad + ']' + trail); paths.push(path);
      } else if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        lines.push(pad + prefix + '{'); paths.push(path);
        keys.forEach((k, i) => emit(v[k], path ? path + '.' + k : k, indent + 1,
          JSON.stringify(k) + ': ', i < keys.length - 1 ? ',' : ''));
        lines.push(pad + '}' + trail); paths.push(path);
      } else {
        lines.push(pad + prefix + JSON.stringify(v) + trail); paths.push(path);
      }
    }
    emit(deal, '', 0, '', '');
    return { text: lines.join('\n') + '\n', paths };
  }

  // The deal as a YAML file the CLI reads (JSON-quoted scalars are YAML).
  function toYaml(deal) {
    const q = (s) => JSON.stringify(String(s));
    const out = ['# A deal written by clasm serve. Re-run it with: clasm assemble ' +
      (deal.id || 'DEAL') + '.yaml'];
    function block(obj, indent) {
      const pad = '  '.repeat(indent);
      for (const [k, v] of Object.entries(obj)) {
        if (Array.isArray(v)) {
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

  async function post(url, body, type) {
    const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': type } });
    return res;
  }

  async function errorsOf(res) {
    try {
      const j = await res.json();
      if (j && Array.isArray(j.errors)) return j.errors;
    } catch (e) { /* not JSON */ }
    return [{ id: 'http-' + res.status, message: 'the server answered ' + res.status + ' ' + res.statusText,
      line: 0, column: 0, severity: 'error' }];
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

  // ---- diagnostics next to the fields ----

  function clearMessages() {
    for (const m of $$('.msg')) m.textContent = '';
    for (const n of $$('[aria-invalid]')) n.removeAttribute('aria-invalid');
  }

  function pathOf(err, paths) {
    let p = err.line > 0 && err.line <= paths.length ? paths[err.line - 1] : '';
    const m = /missing required key '([^']+)'/.exec(err.message || '');
    if (err.id === 'missing-key' && m) p = p ? p + '.' + m[1] : m[1];
    // A template placeholder without a value names its path.
    const v = /names '([^']+)', which has no value/.exec(err.message || '');
    if (err.id === 'unknown-value' && v) p = v[1];
    return p;
  }

  function showFieldErrors(errors, paths) {
    clearMessages();
    for (const e of errors) {
      let p = pathOf(e, paths);
      if (!state.showAll && !state.touched.has(p)) continue;
      let target = null;
      while (p && !(target = document.querySelector('.msg[data-for="' + CSS.escape(p) + '"]'))) {
        p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
      }
      if (!target) continue;
      target.textContent = (target.textContent ? target.textContent + ' ' : '') + e.message + '.';
      const input = document.querySelector('[data-path="' + CSS.escape(p) + '"]');
      if (input) input.setAttribute('aria-invalid', 'true');
    }
  }

  function errorList(box, errors, heading) {
    box.replaceChildren(el('strong', { text: heading }),
      el('ul', {}, ...errors.map((e) => el('li', {}, e.message + ' ',
        el('code', { text: '[' + e.id + (e.line ? ' at line ' + e.line + ':' + e.column : '') +
          (e.part ? ' in ' + e.part + (e.paragraph ? ', paragraph ' + e.paragraph : '') : '') + ']' })))));
    box.hidden = errors.length === 0;
  }

  // ---- the plan ----

  function riskTitle(id) {
    const r = state.catalogue && state.catalogue.risks.find((x) => x.id === id);
    return r ? r.title + ' (' + id + ')' : id;
  }

  function renderPlans(plans) {
    const body = $('#plan-body');
    body.replaceChildren();
    for (const p of plans) {
      const sec = el('section', { class: 'doc-plan', 'data-document': p.document });
      sec.append(el('h3', { text: p.document.replace('-', ' ') }));
      sec.append(el('p', { class: 'tier' }, 'Tier ', el('strong', { class: 'tier-name', text: p.tier }),
        ', score ', el('span', { class: 'score', text: String(p.score) })));
      if (p.escalate) {
        sec.append(el('div', { class: 'banner escalate', role: 'alert',
          text: 'Escalate to counsel before signing: this deal is in the ' + p.tier +
            ' tier. The draft alone is not enough.' }));
      }
      const ol = el('ol', { class: 'clauses' });
      for (const c of p.clauses) {
        // Definitions are required by most clauses: name three, count the rest.
        const reasons = c.reasons || [];
        const why = 'because ' + reasons.slice(0, 3).join('; ') +
          (reasons.length > 3 ? ' and ' + (reasons.length - 3) + ' more' : '');
        ol.append(el('li', { 'data-clause': c.id }, c.title + ' ',
          el('span', { class: 'cid', text: c.id + '@' + c.version }),
          el('span', { class: 'why', text: why, title: reasons.join('\n') })));
      }
      sec.append(el('p', { text: p.clauses.length + ' clauses:' }), ol);
      if (p.uncovered && p.uncovered.length) {
        sec.append(el('div', { class: 'banner warn' },
          el('strong', { text: 'No clause covers: ' }), p.uncovered.map(riskTitle).join(', ')));
      }
      // Terms left empty take counsel's standard value from the library.
      if (p.defaults && p.defaults.length) {
        sec.append(el('div', { class: 'defaults' },
          el('strong', { text: 'Library defaults used: ' }),
          el('ul', {}, ...p.defaults.map((d) => el('li', { 'data-term': d.key },
            d.key.replace(/_/g, ' ') + ': ', el('code', { text: d.value }))))));
      }
      body.append(sec);
    }
    const buttons = $('#draft-buttons');
    buttons.replaceChildren(...plans.map((p) => {
      const b = el('button', { type: 'button', class: 'primary download-draft', 'data-document': p.document,
        text: plans.length > 1 ? 'Download draft: ' + p.document : 'Download draft' });
      b.addEventListener('click', () => downloadDraft(p.document));
      return b;
    }));
    $('#download-rationale').disabled = false;
  }

  async function refresh() {
    const seq = ++state.seq;
    const deal = collectDeal();
    const { text, paths } = serialize(deal);
    let res;
    try {
      res = await post('/api/select', text, 'application/json');
    } catch (e) {
      if (seq === state.seq) $('#plan-status').textContent = 'The server cannot be reached: ' + e.message;
      return;
    }
    if (seq !== state.seq) return; // a newer change is on its way
    if (res.ok) {
      const j = await res.json();
      if (seq !== state.seq) return;
      state.plans = Array.isArray(j) ? j : [j];
      state.dealId = deal.id;
      clearMessages();
      $('#plan-errors').hidden = true;
      $('#plan-status').textContent = 'Plan for deal ' + deal.id + ' (updated ' +
        new Date().toLocaleTimeString() + ')';
      renderPlans(state.plans);
    } else {
      const errors = await errorsOf(res);
      if (seq !== state.seq) return;
      state.plans = null;
      $('#plan-body').replaceChildren();
      $('#draft-buttons').replaceChildren();
      $('#download-rationale').disabled = true;
      $('#plan-status').textContent = res.status === 400
        ? 'Complete the deal to see the plan.' : 'The server could not make a plan.';
      errorList($('#plan-errors'), errors.filter((e) => e.severity === 'error'),
        errors.length === 1 ? '1 problem:' : errors.length + ' problems:');
      showFieldErrors(errors, paths);
    }
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, 200);
  }

  async function downloadDraft(doc) {
    const deal = collectDeal();
    const { text, paths } = serialize(deal);
    const status = $('#plan-status');
    status.textContent = 'Assembling the ' + doc + '…';
    const res = await post('/api/assemble?document=' + encodeURIComponent(doc), text, 'application/json');
    if (!res.ok) {
      const errors = await errorsOf(res);
      state.showAll = true;
      errorList($('#plan-errors'), errors, 'The draft could not be assembled:');
      showFieldErrors(errors, paths);
      status.textContent = 'No draft: see the problems below.';
      return;
    }
    const blob = await res.blob();
    const name = fileNameOf(res, deal.id + '-' + doc + '.docx');
    saveBlob(blob, name);
    status.textContent = 'Downloaded ' + name + '.';
  }

  function downloadRationale() {
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

  // ---- building the form from the catalogue ----

  function buildForm(cat) {
    const docs = $('#f-documents');
    docs.replaceChildren(...cat.documents.map((d) => {
      const id = 'f-doc-' + d;
      return el('label', { for: id }, el('input', { type: 'checkbox', id, value: d, checked: d === 'contract' }),
        d.replace('-', ' '));
    }));
    const areas = $('#risk-areas');
    areas.replaceChildren(...cat.areas.map((a) => {
      const fs = el('fieldset', { class: 'area', id: 'area-' + a.id },
        el('legend', { text: 'Red flags: ' + a.title }),
        el('p', { class: 'area-desc', text: a.description }));
      for (const r of cat.risks.filter((x) => x.area === a.id)) {
        const id = 'r-' + r.id;
        fs.append(el('div', { class: 'risk' },
          el('input', { type: 'checkbox', id, value: r.id, 'aria-describedby': id + '-d' }),
          el('label', { for: id }, r.title, el('span', { class: 'weight', title: 'weight ' + r.weight,
            text: 'weight ' + r.weight })),
          el('span', { class: 'desc', id: id + '-d', text: r.description })));
      }
      return fs;
    }));
    const terms = $('#term-fields');
    terms.replaceChildren(...cat.terms.map((t) => {
      const id = 't-' + t.key;
      const hasDefault = t.default !== null && t.default !== undefined;
      // A term with a default shows it: leave the field empty to keep it.
      return el('div', { class: 'field' },
        el('label', { for: id, text: t.key.replace(/_/g, ' ') }),
        el('input', { id, 'data-path': 'terms.' + t.key,
          placeholder: hasDefault ? t.default + ' (default)' : (t.example || ''),
          'data-default': hasDefault ? t.default : null,
          'aria-describedby': id + '-h' }),
        el('span', { class: 'hint', id: id + '-h', text: t.description +
          (hasDefault ? ' Leave empty for the library\'s default: ' + t.default + '.' : '') +
          (t.template_only ? ' Used by the ' + t.documents.join(', ') + ' template.' : '') }),
        el('span', { class: 'msg', 'data-for': 'terms.' + t.key }));
    }));
    // The capabilities a deal may name are the library's.
    if (cat.capabilities && cat.capabilities.length) {
      $('#h-capabilities').textContent = 'Comma-separated, of: ' +
        cat.capabilities.map((c) => c.id).join(', ') + '.';
    }
    const today = new Date().toISOString().slice(0, 10);
    $('#f-date').value = today;
    $('#f-id').value = 'Q-' + today.replace(/-/g, '');
  }

  const example = {
    'f-id': 'Q-2026-0117', 'f-seller-name': 'Northwind Sensing Systems, Inc.',
    'f-seller-address': '400 Harbor Point Drive, Port Alder', 'f-seller-jurisdiction': 'Republic of Kestova',
    'f-customer-name': 'Directorate of Internal Security of the Republic of Valmora',
    'f-customer-country': 'XA', 'f-customer-kind': 'security-service',
    'f-product-name': 'Sentinel FaceMatch 4',
    'f-product-capabilities': 'biometric-identification, face-recognition, watchlist-matching',
    'f-deployment': 'on-premises', 'f-license': 'perpetual', 'f-end-use': 'known',
  };
  // Values for terms the library gives no example for (a template's own).
  const exampleTerms = { fees: '1,250,000', initial_term_months: '36' };

  function loadExample() {
    for (const [id, v] of Object.entries(example)) document.getElementById(id).value = v;
    // Terms with a library default stay empty: the plan shows the defaults.
    for (const t of state.catalogue.terms) {
      const n = document.getElementById('t-' + t.key);
      const ex = t.example || exampleTerms[t.key];
      if (n && !n.value && ex && (t.default === null || t.default === undefined)) n.value = ex;
    }
    schedule();
  }

  // ---- inspect ----

  async function inspect(file) {
    const status = $('#inspect-status');
    const box = $('#inspect-errors');
    const out = $('#inspect-result');
    box.hidden = true;
    out.replaceChildren();
    status.textContent = 'Reading ' + file.name + '…';
    const res = await post('/api/inspect', await file.arrayBuffer(),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
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
    const table = el('table', { class: 'inspect' },
      el('thead', {}, el('tr', {}, ...['Clause', 'Version', 'Status', 'Changes'].map((h) => el('th', { scope: 'col', text: h })))));
    const tb = el('tbody');
    for (const c of j.clauses) {
      let note = c.diff || c.text || '';
      if (c.status === 'outdated' && c.library_version) note = 'the library has version ' + c.library_version + '. ' + note;
      tb.append(el('tr', { 'data-clause': c.id || '' },
        el('td', {}, (c.title ? c.title + ' ' : ''), el('span', { class: 'cid', text: c.id || '(no tag)' })),
        el('td', { text: c.version === null || c.version === undefined ? '' : String(c.version) }),
        el('td', { class: 'st st-' + c.status, text: c.status }),
        el('td', { class: 'diff', text: note })));
    }
    table.append(tb);
    out.append(table);
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

  async function start() {
    window.addEventListener('hashchange', showPage);
    showPage();
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
    const touch = (ev) => {
      const p = ev.target.getAttribute('data-path');
      if (p) state.touched.add(p);
      schedule();
    };
    form.addEventListener('input', touch);
    form.addEventListener('change', touch);
    form.addEventListener('submit', (ev) => ev.preventDefault());
    $('#f-has-reseller').addEventListener('change', (ev) => {
      $('#reseller-fields').hidden = !ev.target.checked;
    });
    $('#load-example').addEventListener('click', loadExample);
    $('#download-rationale').addEventListener('click', downloadRationale);
    $('#download-deal').addEventListener('click', downloadDeal);
    $('#inspect-file').addEventListener('change', (ev) => {
      const f = ev.target.files[0];
      if (f) inspect(f).catch((e) => { $('#inspect-status').textContent = 'Failed: ' + e.message; });
    });
    refresh();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
