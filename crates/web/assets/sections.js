// A page of several forms that each save one part of a record (the
// assessment: pain map, posture, tone, findings). Saving one part must not
// throw away the unsaved edits of another, so when other parts have edits,
// the submitted form and every edited one go out together in one post to
// the page's `data-save-all` address; the server saves them in one step and
// the page comes back saying what was saved. Leaving the page with edits
// not saved asks first. Without JavaScript each form saves its own part.
(() => {
  const page = document.querySelector('[data-save-all]');
  if (!page) return;
  const forms = [...document.querySelectorAll('form[data-section]')];
  const edited = new Set();
  let leaving = false;

  const statusOf = (form) => {
    let status = form.querySelector('.section-status');
    if (!status) {
      status = document.createElement('p');
      status.className = 'section-status';
      status.setAttribute('role', 'status');
      const button = form.querySelector('button.primary:last-of-type') || form.lastElementChild;
      form.insertBefore(status, button);
    }
    return status;
  };

  const markEdited = (form) => {
    if (edited.has(form)) return;
    edited.add(form);
    // A form that reports its own edits (the body chart's) keeps its words.
    if (form.querySelector('[role=status]:not(.section-status)')) return;
    const status = statusOf(form);
    status.classList.add('unsaved');
    status.textContent = 'Unsaved changes. Saving any part of this page keeps them.';
  };

  for (const form of forms) {
    form.addEventListener('input', () => markEdited(form));
    form.addEventListener('change', () => markEdited(form));
    // The body chart edits its form from script, which fires no input event.
    form.addEventListener('myomap:edited', () => markEdited(form));
  }

  // Registered after confirm.js (base.html loads it first), so a declined
  // confirmation has already cancelled the submit when this runs.
  document.addEventListener('submit', (event) => {
    if (event.defaultPrevented) return;
    const form = event.target;
    if (!forms.includes(form)) {
      // Another form (a photo upload): leaving drops the edits; ask first.
      if (edited.size && !window.confirm('Some parts of this page have unsaved changes that will be lost. Continue?')) {
        event.preventDefault();
      } else {
        leaving = true;
      }
      return;
    }
    leaving = true;
    const others = forms.filter((other) => other !== form && edited.has(other));
    if (!others.length) return;
    event.preventDefault();
    const combined = document.createElement('form');
    combined.method = 'post';
    combined.action = page.dataset.saveAll;
    combined.hidden = true;
    const add = (name, value) => {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      combined.append(input);
    };
    for (const part of [form, ...others]) {
      add('section', part.dataset.section);
      const data = new FormData(part, part === form ? event.submitter : null);
      for (const [name, value] of data) {
        if (typeof value === 'string') add(name, value);
      }
    }
    document.body.append(combined);
    combined.submit();
  });

  window.addEventListener('beforeunload', (event) => {
    if (edited.size && !leaving) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
})();
