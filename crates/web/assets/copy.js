// "Copy" next to a client link: puts the link on the clipboard and says so.
// The button is hidden until this script runs; without JavaScript the link
// sits in a read-only field that selects itself for copying by hand.
document.querySelectorAll('button[data-copy]').forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener('click', async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(field.value);
      copied = true;
    } catch (_) {
      // Clipboard API refused (an http:// address outside localhost): fall
      // back to selecting the text, which the older command can copy.
      field.select();
      copied = document.execCommand && document.execCommand('copy');
    }
    button.textContent = copied ? 'Copied' : 'Select and copy';
    const status = document.getElementById(button.dataset.copy + '-status');
    if (status) status.textContent = copied ? 'Link copied to the clipboard.' : '';
    setTimeout(() => { button.textContent = label; }, 2000);
  });
});
document.querySelectorAll('input.link-url').forEach((field) => {
  field.addEventListener('focus', () => field.select());
});
