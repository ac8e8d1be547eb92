// Loaded in <head> before the page is drawn: marks that scripts run, so that the CSS can show
// htmx's "Load more" button instead of the plain "Next page" link without a flash.
document.documentElement.classList.add("js");

// "Select all on this page" ticks every row's checkbox of its form, rows loaded later included
// (no-JS visitors tick them one by one, or use "Download all" / "Download folder").
document.addEventListener("change", (event) => {
  const all = event.target;
  if (!(all instanceof HTMLInputElement) || !all.matches("[data-select-all]")) return;
  for (const box of all.form.querySelectorAll("input.pick")) box.checked = all.checked;
});

// "Copy link" (shares/share_link.html): shown only where the clipboard can be written; the
// address stays in a read-only field to select by hand, which is what a refusal falls back to.
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard || !window.isSecureContext) return;
  for (const button of document.querySelectorAll("button[data-copy]")) button.hidden = false;
});

document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = button.closest("section")?.querySelector("[data-copy-status]");
  try {
    await navigator.clipboard.writeText(field.value);
    if (status) status.textContent = button.dataset.copied;
  } catch {
    field.focus();
    field.select();
    if (status) status.textContent = button.dataset.copyFailed;
  }
});

// A read-only address selects itself whole when focused, ready to copy.
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.matches("[data-select-on-focus]")) field.select();
});
