/* Myomap: the interactive pain map of the assessment page.
 *
 * Progressive enhancement of a form that works without script: the table
 * #pain-entries (repeated area/side/intensity/quality fields, read in order by
 * the server) is the source of truth; this script keeps the chart's shapes in
 * step with it (classes "marked intensity-N"), lets a tap or Enter/Space on a
 * shape add or find a row, asks /api/v1/suggest for muscles as the map changes
 * and shows a chosen muscle's referral zones on the chart (classes
 * "ref-essential" / "ref-spillover").
 *
 * CSP: no inline script or style; response data goes in with textContent only.
 */
(() => {
  'use strict';

  const chart = document.getElementById('pain-chart');
  const form = document.getElementById('pain-map-form');
  const table = document.getElementById('pain-entries');
  if (!chart || !form || !table) return;
  const tbody = table.tBodies[0] || table.appendChild(document.createElement('tbody'));
  const suggestionsBox = document.getElementById('suggestions');
  const addSelect = form.querySelector('select[name="add_site"]');
  const addIntensity = form.querySelector('input[name="add_intensity"]');
  const addQuality = form.querySelector('select[name="add_quality"]');
  const addButton = form.querySelector('button[name="action"][value="add"]');
  const saveButton = form.querySelector('button[name="action"][value="save"]');
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrfToken = csrfMeta ? csrfMeta.content : '';

  const DEFAULT_INTENSITY = 5;
  const DEFAULT_QUALITY = 'aching';
  const SUGGEST_DELAY_MS = 250;
  const SUGGEST_TOP = 8;
  const INTENSITY_CLASSES = Array.from({ length: 11 }, (_, n) => `intensity-${n}`);

  /* ---------- small helpers ---------- */

  const siteKey = (area, side) => (side ? `${area}:${side}` : area);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child);
    }
    return node;
  }

  /** A whole number 0-10, or null when the text is not one. */
  /** A whole number from 0 to 10, or null. Never clamped: "75" is a typing
   *  slip to be corrected, not a 10. */
  function parseIntensity(text) {
    if (typeof text !== 'string' || !/^\s*\d{1,2}\s*$/.test(text)) return null;
    const n = Number(text);
    return n <= 10 ? n : null;
  }

  const INTENSITY_PROBLEM = 'Pain intensity is a whole number from 0 to 10.';

  /** Marks an intensity field wrong (the browser then refuses to submit the
   *  form and says why) or right again; returns whether it is right. */
  function checkIntensity(input) {
    const ok = parseIntensity(input.value) !== null;
    input.setCustomValidity(ok ? '' : INTENSITY_PROBLEM);
    input.setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (!ok) input.reportValidity();
    return ok;
  }

  const humanize = (id) => {
    const words = String(id).split('.').pop().replace(/_/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  };

  /* ---------- the chart's shapes, by area and side ---------- */

  const shapesBySite = new Map(); // "area:side" or "area" -> [shape, ...] (duplicates included)
  const sidedAreas = new Set();
  const ariaLabels = new Map(); // site key -> aria-label of its first shape
  for (const shape of chart.querySelectorAll('.area[data-area]')) {
    const area = shape.getAttribute('data-area');
    const side = shape.getAttribute('data-side') || '';
    if (side) sidedAreas.add(area);
    const k = siteKey(area, side);
    if (!shapesBySite.has(k)) shapesBySite.set(k, []);
    shapesBySite.get(k).push(shape);
    if (!ariaLabels.has(k) && shape.getAttribute('aria-label')) ariaLabels.set(k, shape.getAttribute('aria-label'));
  }
  const shapesOf = (area, side) => shapesBySite.get(siteKey(area, side)) || [];

  /* ---------- labels: the add_site options first, the shapes' aria-labels next ---------- */

  const optionLabels = new Map(); // "area:side" / "area" -> "Temple (right)"
  const areaLabels = new Map(); // "area" -> "Temple"
  const SIDE_SUFFIX = /\s*\((left|right)\)\s*$/i;
  if (addSelect) {
    for (const option of addSelect.options) {
      if (!option.value) continue;
      const text = option.textContent.trim();
      optionLabels.set(option.value, text);
      const area = option.value.split(':')[0];
      if (!areaLabels.has(area)) areaLabels.set(area, text.replace(SIDE_SUFFIX, ''));
    }
  }

  function siteLabel(area, side) {
    const k = siteKey(area, side);
    if (optionLabels.has(k)) return optionLabels.get(k);
    const aria = ariaLabels.get(k);
    if (aria) return side ? `${aria.replace(new RegExp(`,\\s*${side}$`, 'i'), '')} (${side})` : aria;
    return side ? `${areaLabel(area)} (${side})` : areaLabel(area);
  }

  function areaLabel(area) {
    if (areaLabels.has(area)) return areaLabels.get(area);
    for (const side of ['', 'right', 'left']) {
      const aria = ariaLabels.get(siteKey(area, side));
      if (aria) return aria.replace(/,\s*(left|right)$/i, '');
    }
    return humanize(area);
  }

  /* ---------- rows of the table ---------- */

  const lastGood = new WeakMap(); // row -> last valid intensity

  const rowArea = (row) => row.getAttribute('data-area') || (row.querySelector('input[name="area"]') || {}).value || '';
  const rowSide = (row) => row.getAttribute('data-side') || (row.querySelector('input[name="side"]') || {}).value || '';
  const rowIntensityInput = (row) => row.querySelector('input[name="intensity"]');
  const rows = () => Array.from(tbody.rows).filter((row) => rowArea(row));

  function findRow(area, side) {
    return rows().find((row) => rowArea(row) === area && rowSide(row) === (side || '')) || null;
  }

  function qualityOptions(selected) {
    let source = addQuality;
    if (!source || !source.options.length) source = tbody.querySelector('select[name="quality"]');
    const pairs = source && source.options.length
      ? Array.from(source.options).filter((o) => o.value).map((o) => [o.value, o.textContent])
      : ['aching', 'sharp', 'burning', 'tingling', 'numbness'].map((q) => [q, q]);
    if (selected && !pairs.some(([v]) => v === selected)) pairs.push([selected, selected]);
    return pairs.map(([value, text]) => el('option', { value, selected: value === selected, text }));
  }

  function createRow(area, side, intensity, quality) {
    const label = siteLabel(area, side);
    const row = el('tr', { 'data-area': area, 'data-side': side || null },
      el('th', { scope: 'row', text: label }),
      el('td', null,
        el('input', { type: 'hidden', name: 'area', value: area }),
        // Unsided areas still send an (empty) side so the parallel arrays stay aligned.
        el('input', { type: 'hidden', name: 'side', value: side || '' }),
        el('label', null, 'Intensity ',
          el('input', { type: 'number', name: 'intensity', min: 0, max: 10, step: 1, inputmode: 'numeric', value: intensity }))),
      el('td', null,
        el('label', null, 'Quality ', el('select', { name: 'quality' }, ...qualityOptions(quality)))),
      el('td', null,
        el('button', { type: 'button', class: 'remove-mark', 'aria-label': `Remove ${label}`, text: 'Remove' })));
    lastGood.set(row, intensity);
    return row;
  }

  /* ---------- marks on the chart ---------- */

  function markSite(area, side, intensity) {
    for (const shape of shapesOf(area, side)) {
      shape.classList.remove(...INTENSITY_CLASSES);
      shape.classList.add('marked', `intensity-${intensity}`);
    }
  }

  function unmarkSite(area, side) {
    for (const shape of shapesOf(area, side)) shape.classList.remove('marked', ...INTENSITY_CLASSES);
  }

  function syncRow(row) {
    const input = rowIntensityInput(row);
    let n = input ? parseIntensity(input.value) : null;
    if (n === null) n = lastGood.has(row) ? lastGood.get(row) : DEFAULT_INTENSITY;
    else lastGood.set(row, n);
    markSite(rowArea(row), rowSide(row), n);
  }

  /** The table is the truth: clear every mark, then mark each row's site. */
  function syncAll() {
    for (const list of shapesBySite.values()) {
      for (const shape of list) shape.classList.remove('marked', ...INTENSITY_CLASSES);
    }
    for (const row of rows()) {
      const button = row.querySelector('.remove-mark');
      const th = row.querySelector('th');
      if (button && !button.hasAttribute('aria-label') && th) button.setAttribute('aria-label', `Remove ${th.textContent.trim()}`);
      syncRow(row);
    }
    updatePlaceholders();
  }

  /* ---------- "unsaved changes" ---------- */

  // The page-wide warning before leaving with unsaved edits lives in
  // sections.js, which hears of the chart's edits through this event.
  let status = document.getElementById('pain-map-status');
  if (!status) {
    status = el('p', { id: 'pain-map-status', class: 'pain-map-status', role: 'status', hidden: true });
    if (saveButton && saveButton.parentNode) saveButton.parentNode.insertBefore(status, saveButton);
    else form.append(status);
  } else if (!status.hasAttribute('role')) {
    status.setAttribute('role', 'status');
  }

  function changed(note, refresh = true) {
    form.dispatchEvent(new CustomEvent('myomap:edited', { bubbles: true }));
    status.hidden = false;
    status.classList.add('unsaved');
    status.textContent = note ? `${note} Unsaved changes: saving any part of this page keeps them.`
      : 'Unsaved changes: saving any part of this page keeps them.';
    if (refresh) scheduleSuggest();
  }

  /* ---------- actions ---------- */

  const stacked = window.matchMedia('(max-width: 900px)');
  let lastPointerType = '';

  function flash(row) {
    row.classList.remove('flash');
    void row.offsetWidth; // restart the animation
    row.classList.add('flash');
  }

  /** Focus a row's intensity field; on touch only show the row, so the
   *  on-screen keyboard does not cover the chart after every tap. */
  function showRow(row, how) {
    flash(row);
    const input = rowIntensityInput(row);
    if (how === 'touch') {
      if (!stacked.matches) row.scrollIntoView({ block: 'nearest' });
      return;
    }
    if (input) {
      input.focus({ preventScroll: how === 'pointer' && stacked.matches });
      // Typing replaces the value instead of adding digits to it ("7", not "57").
      input.select();
    }
    if (input && how === 'pointer' && !stacked.matches) row.scrollIntoView({ block: 'nearest' });
  }

  /** Rows without an area (a server's "nothing marked yet" row) show only when the map is empty. */
  function updatePlaceholders() {
    const empty = rows().length === 0;
    for (const row of tbody.rows) {
      if (!rowArea(row)) row.hidden = !empty;
    }
  }

  function addRow(area, side, intensity, quality) {
    const row = createRow(area, side, intensity, quality);
    tbody.append(row);
    markSite(area, side, intensity);
    updatePlaceholders();
    return row;
  }

  function removeRow(row) {
    const area = rowArea(row);
    const side = rowSide(row);
    const label = siteLabel(area, side);
    const all = rows();
    const index = all.indexOf(row);
    const next = all[index + 1] || all[index - 1] || null;
    row.remove();
    if (!findRow(area, side)) unmarkSite(area, side);
    updatePlaceholders();
    const target = next ? next.querySelector('.remove-mark') : addSelect || saveButton;
    if (target) target.focus();
    changed(`${label} removed.`);
  }

  function activateShape(shape, how) {
    const area = shape.getAttribute('data-area');
    const side = shape.getAttribute('data-side') || '';
    let row = findRow(area, side);
    if (row) {
      showRow(row, how);
      return;
    }
    row = addRow(area, side, DEFAULT_INTENSITY, DEFAULT_QUALITY);
    showRow(row, how);
    changed(`${siteLabel(area, side)} added.`);
  }

  chart.addEventListener('pointerdown', (event) => { lastPointerType = event.pointerType || 'mouse'; });

  chart.addEventListener('click', (event) => {
    const shape = event.target.closest && event.target.closest('.area[data-area]');
    if (!shape || !chart.contains(shape)) return;
    const type = event.pointerType || lastPointerType;
    activateShape(shape, type === 'touch' || type === 'pen' ? 'touch' : 'pointer');
    lastPointerType = '';
  });

  chart.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ' && event.key !== 'Spacebar') return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const shape = event.target.closest && event.target.closest('.area[data-area]');
    if (!shape || !chart.contains(shape)) return;
    event.preventDefault();
    activateShape(shape, 'keyboard');
  });

  tbody.addEventListener('input', (event) => {
    const input = event.target;
    if (!input.matches('input[name="intensity"]')) return;
    const row = input.closest('tr');
    if (!row) return;
    if (parseIntensity(input.value) !== null) {
      input.setCustomValidity('');
      input.setAttribute('aria-invalid', 'false');
    }
    syncRow(row);
    changed();
  });

  tbody.addEventListener('change', (event) => {
    const target = event.target;
    const row = target.closest('tr');
    if (!row) return;
    if (target.matches('input[name="intensity"]')) {
      // A wrong value stays as typed and is refused; the chart keeps the
      // last right one until it is corrected.
      if (checkIntensity(target)) {
        syncRow(row);
        changed();
      }
    } else if (target.matches('select[name="quality"]')) {
      changed(null, false);
    }
  });

  tbody.addEventListener('click', (event) => {
    const button = event.target.closest('.remove-mark');
    if (!button) return;
    const row = button.closest('tr');
    if (row && tbody.contains(row)) removeRow(row);
  });

  /** The Add button of the keyboard / no-script fieldset, done in place. */
  function addFromFieldset() {
    const value = addSelect ? addSelect.value : '';
    if (!value) {
      if (addSelect) addSelect.focus();
      return;
    }
    const [area, side = ''] = value.split(':');
    let intensity = DEFAULT_INTENSITY;
    if (addIntensity && addIntensity.value.trim() !== '') {
      if (!checkIntensity(addIntensity)) return;
      intensity = parseIntensity(addIntensity.value);
    }
    const quality = (addQuality && addQuality.value) || DEFAULT_QUALITY;
    const label = siteLabel(area, side);
    let row = findRow(area, side);
    if (row) {
      const input = rowIntensityInput(row);
      if (input) input.value = String(intensity);
      const select = row.querySelector('select[name="quality"]');
      if (select) select.value = quality;
      syncRow(row);
      flash(row);
      changed(`${label} updated to intensity ${intensity}, ${quality}.`);
    } else {
      row = addRow(area, side, intensity, quality);
      flash(row);
      changed(`${label} added (intensity ${intensity}, ${quality}).`);
    }
    addSelect.value = '';
    addSelect.focus();
  }

  form.addEventListener('submit', (event) => {
    const submitter = event.submitter;
    if (submitter && submitter === addButton) {
      // Also reached by Enter in a number field (implicit submission uses the
      // first submit button, which is Add): never a page load with JS on.
      event.preventDefault();
      const inRows = document.activeElement && tbody.contains(document.activeElement);
      if (!inRows) addFromFieldset();
    }
  });

  /* ---------- suggestions ---------- */

  let suggestTimer = 0;
  let suggestAbort = null;
  let suggestSeq = 0;
  let lastData = null;
  const muscleCache = new Map(); // id -> Promise<muscle>
  let active = null; // { muscle, side, shapes: [] }

  function scheduleSuggest() {
    if (!suggestionsBox) return;
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(runSuggest, SUGGEST_DELAY_MS);
  }

  function painAreas() {
    const areas = [];
    for (const row of rows()) {
      const input = rowIntensityInput(row);
      const n = input ? parseIntensity(input.value) : null;
      if (n === null || n < 1) continue;
      const entry = { area: rowArea(row) };
      const side = rowSide(row);
      if (side) entry.side = side;
      entry.intensity = n;
      areas.push(entry);
    }
    return areas;
  }

  async function runSuggest() {
    const areas = painAreas();
    if (suggestAbort) suggestAbort.abort();
    suggestAbort = null;
    const seq = ++suggestSeq;
    if (!areas.length) {
      lastData = null;
      renderEmpty();
      return;
    }
    const controller = new AbortController();
    suggestAbort = controller;
    suggestionsBox.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch('/api/v1/suggest', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrfToken },
        body: JSON.stringify({ areas, top: SUGGEST_TOP }),
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const data = await response.json();
      if (seq !== suggestSeq) return;
      lastData = data;
      renderSuggestions(data);
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      if (seq !== suggestSeq) return;
      showSuggestError(error);
    } finally {
      if (seq === suggestSeq) suggestionsBox.removeAttribute('aria-busy');
    }
  }

  /** Replace only what this script renders (heading, list, explaining set,
   *  messages); anything else the page put in #suggestions stays, after it. */
  const MANAGED = ':scope > h2:first-of-type, :scope > .suggestion-list, :scope > .explaining-set, :scope > .suggest-error, :scope > p.muted';
  function replaceSuggestionNodes(nodes) {
    for (const old of suggestionsBox.querySelectorAll(MANAGED)) old.remove();
    const anchor = suggestionsBox.firstElementChild;
    for (const node of nodes) suggestionsBox.insertBefore(node, anchor);
  }

  function renderEmpty() {
    clearHighlight();
    replaceSuggestionNodes([
      el('h2', { text: 'Muscles to examine' }),
      el('p', { class: 'muted suggest-empty', text: "Mark painful areas to see which muscles' trigger points may explain them." })]);
  }

  function explainsText(suggestion) {
    const order = [];
    const sidesByArea = new Map();
    for (const item of suggestion.explains || []) {
      if (!item || !item.area) continue;
      if (!sidesByArea.has(item.area)) {
        sidesByArea.set(item.area, new Set());
        order.push(item.area);
      }
      if (item.side) sidesByArea.get(item.area).add(item.side);
    }
    return order.map((area) => {
      const sides = Array.from(sidesByArea.get(area)).sort().reverse(); // right before left
      const label = areaLabel(area);
      if (!sides.length || (sides.length === 1 && sides[0] === suggestion.side)) return label;
      return `${label} (${sides.join(' and ')})`;
    }).join(', ');
  }

  function suggestionName(s) {
    return s.side ? `${s.name} (${s.side})` : String(s.name);
  }

  function renderSuggestions(data) {
    const list = Array.isArray(data && data.suggestions) ? data.suggestions : [];
    const nodes = [el('h2', { text: 'Muscles to examine' })];
    if (!list.length) {
      nodes.push(el('p', { class: 'muted suggest-empty', text: 'No muscle in the atlas refers pain to these areas.' }));
    } else {
      const ol = el('ol', { class: 'suggestion-list' });
      for (const s of list) {
        const score = typeof s.score === 'number' ? s.score.toFixed(2) : '';
        const button = el('button', {
          type: 'button', class: 'suggestion', 'data-muscle': s.muscle, 'data-side': s.side || null, 'aria-pressed': 'false',
        }, el('span', { class: 'name', text: suggestionName(s) }), ' ', el('span', { class: 'score', text: score }));
        ol.append(el('li', null, button, ' ', el('span', { class: 'explains', text: explainsText(s) })));
      }
      nodes.push(ol);
    }
    const set = Array.isArray(data && data.explaining_set) ? data.explaining_set : [];
    if (set.length) {
      const p = el('p', { class: 'explaining-set' }, 'Together these explain the map: ');
      set.forEach((id, i) => {
        if (i) p.append(', ');
        const known = list.find((s) => s.muscle === id);
        const strong = el('strong', { text: known ? known.name : humanize(id) });
        if (!known) {
          loadMuscle(id).then((m) => { if (m && m.name) strong.textContent = m.name; }, () => {});
        }
        p.append(strong);
      });
      nodes.push(p);
    }
    replaceSuggestionNodes(nodes);
    // Keep a chosen muscle chosen while it is still in the list.
    if (active) {
      const again = findSuggestionButton(active.muscle, active.side);
      if (again) again.setAttribute('aria-pressed', 'true');
      else clearHighlight();
    }
  }

  function showSuggestError(error) {
    let note = suggestionsBox.querySelector('.suggest-error');
    if (!note) {
      note = el('p', { class: 'suggest-error', role: 'alert' });
      const heading = suggestionsBox.querySelector(':scope > h2');
      if (heading) heading.after(note);
      else suggestionsBox.prepend(note);
    }
    const hasList = !!suggestionsBox.querySelector('.suggestion-list');
    const why = error && error.message && /answered/.test(error.message) ? ` (${error.message})` : '';
    note.textContent = `Suggestions could not be updated${why}.` + (hasList ? ' The list below is from before your last change.' : '');
  }

  /* ---------- a chosen muscle's referral zones on the chart ---------- */

  function findSuggestionButton(muscle, side) {
    if (!suggestionsBox) return null;
    return Array.from(suggestionsBox.querySelectorAll('button.suggestion'))
      .find((b) => b.getAttribute('data-muscle') === muscle && (b.getAttribute('data-side') || '') === (side || '')) || null;
  }

  function loadMuscle(id) {
    if (!muscleCache.has(id)) {
      const promise = fetch(`/api/v1/atlas/muscles/${encodeURIComponent(id)}`, {
        credentials: 'same-origin', headers: { Accept: 'application/json' },
      }).then((response) => {
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        return response.json();
      });
      promise.catch(() => muscleCache.delete(id)); // try again next time
      muscleCache.set(id, promise);
    }
    return muscleCache.get(id);
  }

  function clearHighlight() {
    if (active) {
      for (const shape of active.shapes) shape.classList.remove('ref-essential', 'ref-spillover');
      const button = findSuggestionButton(active.muscle, active.side);
      if (button) button.setAttribute('aria-pressed', 'false');
    }
    // Also anything a server-rendered page may have marked.
    for (const shape of chart.querySelectorAll('.ref-essential, .ref-spillover')) {
      shape.classList.remove('ref-essential', 'ref-spillover');
    }
    chart.classList.remove('showing-referral');
    active = null;
  }

  function applyHighlight(muscle, side) {
    const shapes = [];
    const essential = new Set();
    const spillover = new Set();
    for (const zone of muscle.referral || []) {
      if (!zone || !zone.area) continue;
      let sites;
      if (!sidedAreas.has(zone.area)) sites = [''];
      else if (zone.bilateral || !side || muscle.paired === false) sites = ['right', 'left'];
      else sites = [side];
      for (const s of sites) {
        for (const shape of shapesOf(zone.area, s)) {
          (zone.zone === 'essential' ? essential : spillover).add(shape);
        }
      }
    }
    for (const shape of essential) {
      shape.classList.add('ref-essential');
      shapes.push(shape);
    }
    for (const shape of spillover) {
      if (essential.has(shape)) continue;
      shape.classList.add('ref-spillover');
      shapes.push(shape);
    }
    chart.classList.add('showing-referral');
    return shapes;
  }

  async function chooseSuggestion(button) {
    const muscle = button.getAttribute('data-muscle');
    const side = button.getAttribute('data-side') || '';
    if (!muscle) return;
    const same = active && active.muscle === muscle && active.side === side;
    clearHighlight();
    if (same) return;
    active = { muscle, side, shapes: [] };
    const mine = active;
    button.setAttribute('aria-pressed', 'true');
    button.setAttribute('aria-busy', 'true');
    try {
      const data = await loadMuscle(muscle);
      if (active !== mine) return;
      mine.shapes = applyHighlight(data, side);
      const note = suggestionsBox.querySelector('.suggest-error');
      if (note) note.remove();
    } catch (error) {
      if (active === mine) {
        clearHighlight();
        showSuggestError(new Error(`could not load ${muscle}`));
        const note = suggestionsBox.querySelector('.suggest-error');
        if (note) note.textContent = 'The referral pattern of this muscle could not be loaded. Try again.';
      }
    } finally {
      button.removeAttribute('aria-busy');
    }
  }

  if (suggestionsBox) {
    suggestionsBox.addEventListener('click', (event) => {
      const button = event.target.closest && event.target.closest('button.suggestion');
      if (button && suggestionsBox.contains(button)) chooseSuggestion(button);
    });
  }

  /* ---------- start ---------- */

  syncAll();
  if (suggestionsBox && !suggestionsBox.querySelector(':scope > .suggestion-list, :scope > p') && painAreas().length) scheduleSuggest();
})();
