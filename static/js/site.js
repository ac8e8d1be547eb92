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
