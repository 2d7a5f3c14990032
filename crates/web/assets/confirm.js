// Asks before a step that cannot be undone. A form (or the button that
// submits it) carries the question in data-confirm; declining keeps the
// page as it is. Without JavaScript the step goes ahead as before.
document.addEventListener('submit', (event) => {
  const question = (event.submitter && event.submitter.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
