/* Myomap: placing posture landmarks on an uploaded photo.
 *
 * Each figure.posture-photo works on its own: a tap or click on the photo puts
 * the landmark chosen in select.landmark-choice there (hidden input
 * lm_<id> = "x,y" in the photo's pixel coordinates, the SVG viewBox), draws or
 * moves its circle.landmark-dot with a text.landmark-label, and moves the
 * choice on to the next landmark not yet placed. A dot can be dragged; tapping
 * a dot chooses it. With the photo focused, Enter/Space places the chosen
 * landmark in the middle and the arrow keys move the last placed (or chosen)
 * dot by 1 px, with Shift by 10 px. The form posts normally.
 *
 * CSP: no inline styles; sizes are SVG attributes in photo pixels, computed so
 * dots and labels keep the same size on screen whatever the photo's size.
 */
(() => {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const coarse = window.matchMedia('(pointer: coarse)');
  const DRAG_THRESHOLD_PX = 4;

  const dotPx = () => (coarse.matches ? 10 : 7);
  const labelPx = () => (coarse.matches ? 15 : 13);
  const fmt = (v) => (Math.round(v * 10) / 10).toFixed(1);

  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    return node;
  }

  function parsePoint(text) {
    if (!text) return null;
    const parts = String(text).split(',');
    if (parts.length !== 2) return null;
    const x = Number(parts[0]);
    const y = Number(parts[1]);
    return Number.isFinite(x) && Number.isFinite(y) && parts[0].trim() !== '' && parts[1].trim() !== '' ? { x, y } : null;
  }

  let figureCount = 0;

  function setup(figure) {
    const svg = figure.querySelector('svg.photo-canvas');
    const form = figure.querySelector('form.landmark-form');
    const choice = form && form.querySelector('select.landmark-choice');
    if (!svg || !form || !choice) return;
    const n = ++figureCount;

    let dots = svg.querySelector('g.landmark-dots');
    if (!dots) {
      dots = svgEl('g', { class: 'landmark-dots' });
      svg.append(dots);
    }
    const lines = svg.querySelector('g.measure-lines');

    /* ----- the photo's coordinate box ----- */
    function box() {
      const vb = svg.viewBox && svg.viewBox.baseVal;
      if (vb && vb.width > 0 && vb.height > 0) return { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
      const image = svg.querySelector('image');
      const w = image ? Number(image.getAttribute('width')) : 0;
      const h = image ? Number(image.getAttribute('height')) : 0;
      return { x: 0, y: 0, w: w || 1000, h: h || 1000 };
    }

    /** Photo pixels per CSS pixel on screen. */
    function unit() {
      const m = svg.getScreenCTM();
      if (m && m.a) return 1 / Math.abs(m.a);
      const rect = svg.getBoundingClientRect();
      return rect.width ? box().w / rect.width : 1;
    }

    function toPhoto(clientX, clientY) {
      const m = svg.getScreenCTM();
      if (!m) return null;
      const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
      const b = box();
      return {
        x: Math.min(b.x + b.w, Math.max(b.x, p.x)),
        y: Math.min(b.y + b.h, Math.max(b.y, p.y)),
      };
    }

    /* ----- landmarks: options, inputs, dots, labels ----- */
    const ids = () => Array.from(choice.options).map((o) => o.value).filter(Boolean);
    const labelOf = (id) => {
      const option = Array.from(choice.options).find((o) => o.value === id);
      return option ? option.textContent.trim() : id.replace(/_/g, ' ');
    };
    const inputOf = (id) => {
      const item = form.elements.namedItem(`lm_${id}`);
      return item && item.tagName === 'INPUT' ? item : null;
    };
    const pointOf = (id) => {
      const input = inputOf(id);
      return input ? parsePoint(input.value) : null;
    };
    const byLandmark = (selector, id) => Array.from(dots.querySelectorAll(selector))
      .find((node) => node.getAttribute('data-landmark') === id) || null;

    function sizeOne(id) {
      const dot = byLandmark('circle.landmark-dot', id);
      if (!dot) return;
      const u = unit();
      const r = dotPx() * u;
      dot.setAttribute('r', fmt(r));
      const label = byLandmark('text.landmark-label', id);
      if (!label) return;
      const cx = Number(dot.getAttribute('cx'));
      const cy = Number(dot.getAttribute('cy'));
      const b = box();
      const offset = r * 1.4;
      const right = cx + offset + labelPx() * u * 8 > b.x + b.w; // little room on the right: label to the left
      label.setAttribute('x', fmt(right ? cx - offset : cx + offset));
      label.setAttribute('y', fmt(Math.max(b.y + labelPx() * u, cy - offset)));
      label.setAttribute('text-anchor', right ? 'end' : 'start');
      label.setAttribute('font-size', fmt(labelPx() * u));
      label.setAttribute('stroke-width', fmt(3 * u));
    }

    function sizeAll() {
      for (const dot of dots.querySelectorAll('circle.landmark-dot')) sizeOne(dot.getAttribute('data-landmark'));
    }

    function draw(id, point) {
      let dot = byLandmark('circle.landmark-dot', id);
      if (!dot) {
        dot = svgEl('circle', { class: 'landmark-dot', 'data-landmark': id });
        dots.append(dot);
      }
      dot.setAttribute('cx', fmt(point.x));
      dot.setAttribute('cy', fmt(point.y));
      let label = byLandmark('text.landmark-label', id);
      if (!label) {
        label = svgEl('text', { class: 'landmark-label', 'data-landmark': id, 'aria-hidden': 'true' });
        label.textContent = labelOf(id);
        dots.append(label);
      }
      sizeOne(id);
      updateLines(id, point);
    }

    /** Lines naming their ends (data-from / data-to) follow the dots; other
     *  server-drawn lines are marked stale until the page is saved and redrawn. */
    function updateLines(id, point) {
      if (!lines) return;
      for (const line of lines.querySelectorAll('line')) {
        const from = line.getAttribute('data-from');
        const to = line.getAttribute('data-to');
        if (from === id) {
          line.setAttribute('x1', fmt(point.x));
          line.setAttribute('y1', fmt(point.y));
        }
        if (to === id) {
          line.setAttribute('x2', fmt(point.x));
          line.setAttribute('y2', fmt(point.y));
        }
      }
    }

    function markLinesStale() {
      if (!lines) return;
      for (const line of lines.querySelectorAll('line')) {
        if (!line.hasAttribute('data-from') && !line.hasAttribute('data-to')) line.classList.add('stale');
      }
    }

    /* ----- status, hint ----- */
    let status = form.querySelector('.landmark-status');
    if (!status) {
      status = document.createElement('p');
      status.className = 'landmark-status';
      const submit = form.querySelector('button[type="submit"], button:not([type])');
      if (submit) submit.before(status);
      else form.append(status);
    }
    status.setAttribute('role', 'status');

    let hint = form.querySelector('.landmark-hint');
    if (!hint) {
      hint = document.createElement('p');
      hint.className = 'landmark-hint';
      hint.textContent = 'Tap the photo to place the chosen landmark; drag a dot to adjust it. '
        + 'With the photo focused, Enter places the chosen landmark in the middle and the arrow keys move it '
        + '(Shift: 10 px).';
      const label = choice.closest('label');
      (label || choice).after(hint);
    }
    if (!hint.id) hint.id = `landmark-hint-${n}`;
    if (!svg.hasAttribute('tabindex')) svg.setAttribute('tabindex', '0');
    const described = (svg.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    if (!described.includes(hint.id)) svg.setAttribute('aria-describedby', described.concat(hint.id).join(' '));

    let dirty = false;
    let submitting = false;
    function say(text) {
      status.textContent = text;
    }
    function changedTo(id, point, verb) {
      dirty = true;
      figure.classList.add('unsaved');
      say(`${labelOf(id)} ${verb} at ${Math.round(point.x)}, ${Math.round(point.y)}. Unsaved changes.`);
    }
    form.addEventListener('submit', () => { submitting = true; });
    window.addEventListener('beforeunload', (event) => {
      if (dirty && !submitting) {
        event.preventDefault();
        event.returnValue = '';
      }
    });

    /* ----- which landmark ----- */
    let active = null; // the landmark the arrow keys move

    function setActive(id) {
      active = id;
      for (const dot of dots.querySelectorAll('circle.landmark-dot')) {
        dot.classList.toggle('active', dot.getAttribute('data-landmark') === id);
      }
    }

    function advance(fromId) {
      const list = ids();
      const start = list.indexOf(fromId);
      for (let i = 1; i <= list.length; i += 1) {
        const id = list[(start + i) % list.length];
        if (!pointOf(id)) {
          choice.value = id;
          return;
        }
      }
    }

    function place(id, point, verb) {
      const input = inputOf(id);
      if (!input) return;
      input.value = `${fmt(point.x)},${fmt(point.y)}`;
      draw(id, point);
      markLinesStale();
      setActive(id);
      changedTo(id, point, verb);
    }

    /* ----- pointer: click/tap places, drag moves, tap on a dot chooses ----- */
    let drag = null; // { id, pointerId, startX, startY, moved }
    let swallowUntil = 0; // the click that follows a press on a dot is not a placement

    svg.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 && event.pointerType === 'mouse') return;
      const dot = event.target.closest && event.target.closest('circle.landmark-dot');
      if (!dot || !dots.contains(dot)) return;
      const id = dot.getAttribute('data-landmark');
      if (!inputOf(id)) return;
      event.preventDefault();
      drag = { id, pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, moved: false };
      try { svg.setPointerCapture(event.pointerId); } catch (e) { /* not capturable: moves still arrive */ }
    });

    svg.addEventListener('pointermove', (event) => {
      if (!drag || event.pointerId !== drag.pointerId) return;
      if (!drag.moved && Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY) < DRAG_THRESHOLD_PX) return;
      drag.moved = true;
      figure.classList.add('dragging');
      const point = toPhoto(event.clientX, event.clientY);
      if (point) draw(drag.id, point);
    });

    function endDrag(event, cancelled) {
      if (!drag || event.pointerId !== drag.pointerId) return;
      const { id, moved } = drag;
      drag = null;
      figure.classList.remove('dragging');
      swallowUntil = performance.now() + 500;
      if (cancelled) {
        const old = pointOf(id);
        if (old) draw(id, old);
        return;
      }
      if (moved) {
        const point = toPhoto(event.clientX, event.clientY);
        if (point) place(id, point, 'moved');
      } else {
        choice.value = id;
        setActive(id);
        const p = pointOf(id);
        say(`${labelOf(id)} chosen${p ? ` (at ${Math.round(p.x)}, ${Math.round(p.y)})` : ''}. Tap the photo to move it there, or drag the dot.`);
      }
    }
    svg.addEventListener('pointerup', (event) => endDrag(event, false));
    svg.addEventListener('pointercancel', (event) => endDrag(event, true));
    // Safari: keep a drag that starts on a dot from scrolling the page.
    svg.addEventListener('touchstart', (event) => {
      const target = event.target;
      if (target && target.closest && target.closest('circle.landmark-dot')) event.preventDefault();
    }, { passive: false });

    svg.addEventListener('click', (event) => {
      if (performance.now() < swallowUntil) {
        swallowUntil = 0;
        return;
      }
      const id = choice.value;
      if (!id || !inputOf(id)) return;
      const point = toPhoto(event.clientX, event.clientY);
      if (!point) return;
      const was = pointOf(id);
      place(id, point, was ? 'moved' : 'placed');
      advance(id);
    });

    /* ----- keyboard ----- */
    const STEPS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    svg.addEventListener('keydown', (event) => {
      if (event.target !== svg || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === 'Enter' || event.key === ' ' || event.key === 'Spacebar') {
        event.preventDefault();
        const id = choice.value;
        if (!id || !inputOf(id)) return;
        const was = pointOf(id);
        if (was) {
          setActive(id);
          say(`${labelOf(id)} is at ${Math.round(was.x)}, ${Math.round(was.y)}; the arrow keys move it.`);
          return;
        }
        const b = box();
        place(id, { x: b.x + b.w / 2, y: b.y + b.h / 2 }, 'placed');
        advance(id);
        return;
      }
      const step = STEPS[event.key];
      if (!step) return;
      const id = active && pointOf(active) ? active : (pointOf(choice.value) ? choice.value : null);
      if (!id) return;
      event.preventDefault();
      const size = event.shiftKey ? 10 : 1;
      const p = pointOf(id);
      const b = box();
      const point = {
        x: Math.min(b.x + b.w, Math.max(b.x, p.x + step[0] * size)),
        y: Math.min(b.y + b.h, Math.max(b.y, p.y + step[1] * size)),
      };
      place(id, point, 'moved');
    });

    choice.addEventListener('change', () => {
      const id = choice.value;
      if (id && pointOf(id)) setActive(id);
    });

    /* ----- start: dots from the inputs, sizes from the screen ----- */
    for (const id of ids()) {
      const p = pointOf(id);
      if (p) draw(id, p);
    }
    for (const dot of dots.querySelectorAll('circle.landmark-dot')) {
      const id = dot.getAttribute('data-landmark');
      if (id && !byLandmark('text.landmark-label', id)) {
        draw(id, { x: Number(dot.getAttribute('cx')), y: Number(dot.getAttribute('cy')) });
      }
    }
    if (!Array.from(choice.options).some((o) => o.defaultSelected)) {
      const first = ids().find((id) => !pointOf(id));
      if (first) choice.value = first;
    }
    if (choice.value && pointOf(choice.value)) setActive(choice.value);
    sizeAll();
    if ('ResizeObserver' in window) new ResizeObserver(sizeAll).observe(svg);
    else window.addEventListener('resize', sizeAll);
    coarse.addEventListener && coarse.addEventListener('change', sizeAll);
  }

  function start() {
    document.querySelectorAll('figure.posture-photo').forEach(setup);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
