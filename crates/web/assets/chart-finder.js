/* Myomap: reaching an area of the pain map's body chart by keyboard, by name
 * and on a small touch screen. body-chart.js does what choosing an area
 * means (add its row or show it); this script only gets the person there:
 *
 * - one tab stop for the whole chart (roving tabindex): the arrow keys move
 *   to the nearest area in that direction, Home/End to the first and last,
 *   Enter/Space choose (body-chart.js);
 * - a search box that finds areas by their names (the labels of the
 *   "Add an area" list, which come from body-areas.toml), with a listbox the
 *   arrow keys move through and Enter chooses from;
 * - on touch, region first: a tap on an area too small to hit reliably
 *   (under 24 CSS pixels) zooms the chart to that part of the body, so its
 *   areas become large enough; "Back to whole body" (or Escape) goes back.
 *
 * Without script the chart is a picture and the "Add an area" list is the
 * way to choose; the server renders no tab stops on the shapes.
 */
(() => {
  'use strict';

  const chart = document.getElementById('pain-chart');
  const svg = chart && chart.querySelector('svg');
  if (!svg) return;
  const addSelect = document.querySelector('#pain-map-form select[name="add_site"]');

  const MIN_TARGET_PX = 24;
  /* Zoomed areas get some room over the minimum. */
  const ZOOM_TARGET_PX = 30;
  const MAX_RESULTS = 8;
  const OUTSIDE_CONE = 1e6;

  const shapes = Array.from(chart.querySelectorAll('.area[data-area]'));
  const primary = shapes.filter((s) => s.getAttribute('data-duplicate') !== 'true');

  /* ---------- one tab stop: roving tabindex ---------- */

  let current = primary[0] || shapes[0];
  for (const shape of shapes) {
    shape.setAttribute('role', 'button');
    shape.setAttribute('tabindex', shape === current ? '0' : '-1');
  }

  function rove(to, focus) {
    if (!to) return;
    if (current) current.setAttribute('tabindex', '-1');
    current = to;
    current.setAttribute('tabindex', '0');
    if (focus) current.focus();
  }

  const centre = (shape) => {
    const box = shape.getBBox();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  const centres = new Map(shapes.map((s) => [s, centre(s)]));

  const DIRECTIONS = {
    ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1],
  };

  /** The nearest area whose centre lies in that direction, within 45° of
   *  it when there is one (wider, a press could swing back and forth between
   *  two areas and never get anywhere). */
  function neighbour(from, [dx, dy]) {
    const a = centres.get(from);
    let best = null;
    let bestScore = Infinity;
    for (const shape of zoomed ? visibleShapes() : primary) {
      if (shape === from) continue;
      const b = centres.get(shape);
      const along = (b.x - a.x) * dx + (b.y - a.y) * dy;
      if (along <= 1) continue;
      const across = Math.abs((b.x - a.x) * dy + (b.y - a.y) * dx);
      const score = along + across + (across > along ? OUTSIDE_CONE : 0);
      if (score < bestScore) {
        bestScore = score;
        best = shape;
      }
    }
    return best;
  }

  chart.addEventListener('keydown', (event) => {
    const shape = event.target.closest && event.target.closest('.area[data-area]');
    if (!shape || event.altKey || event.ctrlKey || event.metaKey) return;
    let to = null;
    if (DIRECTIONS[event.key]) to = neighbour(shape, DIRECTIONS[event.key]);
    else if (event.key === 'Home') to = primary[0];
    else if (event.key === 'End') to = primary[primary.length - 1];
    else if (event.key === 'Escape' && zoomed) {
      wholeBody();
      event.preventDefault();
      return;
    } else return;
    event.preventDefault();
    rove(to, true);
  });

  chart.addEventListener('focusin', (event) => {
    const shape = event.target.closest && event.target.closest('.area[data-area]');
    if (shape && shape !== current) rove(shape, false);
  });

  /* ---------- the tools above the chart ---------- */

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  const search = el('input', {
    id: 'area-search', type: 'search', autocomplete: 'off', role: 'combobox',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'area-results',
  });
  const results = el('ul', { id: 'area-results', role: 'listbox', 'aria-label': 'Matching areas', hidden: '' });
  const back = el('button', { type: 'button', class: 'whole-body', hidden: '', text: 'Back to whole body' });
  const hint = el('p', { id: 'chart-hint', class: 'muted chart-hint' },
    'Arrow keys move between areas; Enter chooses one. On a touch screen, tap a part of the body to zoom in.');
  const tools = el('div', { class: 'chart-tools' },
    el('div', { class: 'area-find' }, el('label', { for: 'area-search', text: 'Find an area' }), search, results),
    back, hint);
  chart.insertBefore(tools, svg);
  svg.setAttribute('aria-describedby', 'chart-hint');

  /* ---------- search by name ---------- */

  // "area:side" -> label, from the "Add an area" list (body-areas.toml's labels).
  const labels = [];
  if (addSelect) {
    for (const option of addSelect.options) {
      if (option.value) labels.push([option.value, option.textContent.trim()]);
    }
  }
  const words = (text) => text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

  /** Every word typed must begin a word of the label ("low back r" finds
   *  "Low back (right)"); labels that begin with the first word come first. */
  function find(query) {
    const typed = words(query);
    if (!typed.length) return [];
    const found = [];
    for (const [value, label] of labels) {
      const have = words(label);
      if (!typed.every((t) => have.some((w) => w.startsWith(t)))) continue;
      found.push([have[0].startsWith(typed[0]) ? 0 : 1, value, label]);
    }
    found.sort((a, b) => a[0] - b[0]);
    return found.slice(0, MAX_RESULTS).map(([, value, label]) => ({ value, label }));
  }

  let active = -1;

  function showResults(list) {
    results.replaceChildren(...list.map((r, i) => el('li', {
      id: `area-result-${i}`, role: 'option', 'aria-selected': 'false', 'data-site': r.value, text: r.label,
    })));
    results.hidden = !list.length;
    search.setAttribute('aria-expanded', list.length ? 'true' : 'false');
    setActive(list.length ? 0 : -1);
  }

  function setActive(index) {
    const items = results.children;
    if (active >= 0 && items[active]) items[active].setAttribute('aria-selected', 'false');
    active = index;
    if (active >= 0 && items[active]) {
      items[active].setAttribute('aria-selected', 'true');
      search.setAttribute('aria-activedescendant', items[active].id);
    } else {
      search.removeAttribute('aria-activedescendant');
    }
  }

  function shapeFor(site) {
    const [area, side = ''] = site.split(':');
    const match = (s) => s.getAttribute('data-area') === area && (s.getAttribute('data-side') || '') === side;
    return primary.find(match) || shapes.find(match) || null;
  }

  /** Chooses a site as Enter on its shape would. */
  function choose(site) {
    const shape = shapeFor(site);
    if (!shape) return;
    if (zoomed) wholeBody();
    rove(shape, false);
    search.value = '';
    showResults([]);
    shape.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
  }

  search.addEventListener('input', () => showResults(find(search.value)));
  search.addEventListener('keydown', (event) => {
    const count = results.children.length;
    if (event.key === 'ArrowDown' && count) setActive((active + 1) % count);
    else if (event.key === 'ArrowUp' && count) setActive((active - 1 + count) % count);
    else if (event.key === 'Enter' && active >= 0 && results.children[active]) {
      choose(results.children[active].getAttribute('data-site'));
    } else if (event.key === 'Escape' && count) showResults([]);
    else return;
    event.preventDefault();
  });
  results.addEventListener('click', (event) => {
    const item = event.target.closest('[role="option"]');
    if (item) choose(item.getAttribute('data-site'));
  });

  /* ---------- touch: region first ---------- */

  const fullBox = svg.viewBox.baseVal;
  const FULL = [fullBox.x, fullBox.y, fullBox.width, fullBox.height];
  let zoomed = null; // [x, y, w, h] while zoomed
  let pointer = '';

  const region = (shape) => shape.getAttribute('data-area').split('.')[0];
  const viewOf = (shape) => shape.closest('g[id^="view-"]');

  function visibleShapes() {
    if (!zoomed) return primary;
    const [x, y, w, h] = zoomed;
    return shapes.filter((s) => {
      const c = centres.get(s);
      return c.x >= x && c.x <= x + w && c.y >= y && c.y <= y + h;
    });
  }

  function union(list) {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    let smallest = Infinity;
    for (const s of list) {
      const b = s.getBBox();
      x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
      x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
      smallest = Math.min(smallest, b.width, b.height);
    }
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0, smallest };
  }

  /** The box to show for a tap on `shape`: its region in its view (one
   *  side of it when both do not fit), kept to the chart's proportions and
   *  small enough that the region's smallest area is ZOOM_TARGET_PX. */
  function zoomBox(shape) {
    const inView = shapes.filter((s) => viewOf(s) === viewOf(shape) && region(s) === region(shape));
    const renderedWidth = svg.getBoundingClientRect().width;
    let box = union(inView);
    const maxWidth = () => (renderedWidth * box.smallest) / ZOOM_TARGET_PX;
    const side = shape.getAttribute('data-side');
    if (box.w > maxWidth() && side) {
      const oneSide = inView.filter((s) => (s.getAttribute('data-side') || side) === side);
      box = union(oneSide);
    }
    const aspect = FULL[3] / FULL[2];
    let w = Math.min(Math.max(box.w, box.h / aspect) + 16, maxWidth());
    w = Math.max(w, 40);
    const h = w * aspect;
    const c = centres.get(shape);
    // Centred on the region, but never so far that the tapped area leaves the view.
    let x = box.x + box.w / 2 - w / 2;
    let y = box.y + box.h / 2 - h / 2;
    x = Math.min(Math.max(x, c.x - w / 2 - w / 3), c.x - w / 2 + w / 3);
    y = Math.min(Math.max(y, c.y - h / 2 - h / 3), c.y - h / 2 + h / 3);
    x = Math.min(Math.max(x, FULL[0]), FULL[0] + FULL[2] - w);
    y = Math.min(Math.max(y, FULL[1]), FULL[1] + FULL[3] - h);
    return [x, y, w, h];
  }

  function zoomTo(shape) {
    zoomed = zoomBox(shape);
    svg.setAttribute('viewBox', zoomed.map((n) => n.toFixed(1)).join(' '));
    chart.classList.add('zoomed');
    back.hidden = false;
  }

  function wholeBody() {
    zoomed = null;
    svg.setAttribute('viewBox', FULL.join(' '));
    chart.classList.remove('zoomed');
    back.hidden = true;
  }

  back.addEventListener('click', () => {
    wholeBody();
    if (current) current.focus();
  });

  chart.addEventListener('pointerdown', (event) => { pointer = event.pointerType || ''; }, true);

  // Capture: runs before body-chart.js chooses the area, and stops it when
  // the tap only picks the region.
  chart.addEventListener('click', (event) => {
    const shape = event.target.closest && event.target.closest('.area[data-area]');
    const type = event.pointerType || pointer;
    if (!shape || zoomed || (type !== 'touch' && type !== 'pen')) return;
    const box = shape.getBoundingClientRect();
    if (box.width >= MIN_TARGET_PX && box.height >= MIN_TARGET_PX) return;
    event.stopPropagation();
    event.preventDefault();
    zoomTo(shape);
  }, true);
})();
