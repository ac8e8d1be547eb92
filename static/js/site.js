// Loaded in <head> before the page is drawn: marks that scripts run, so that the CSS can show
// htmx's "Load more" button instead of the plain "Next page" link without a flash.
document.documentElement.classList.add("js");
