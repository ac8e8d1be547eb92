// The embed view (/e/...) tells the page that frames it how tall its content is, so that an
// optional listener on that page can size the iframe; without one the iframe scrolls inside.
// The message goes only to the framing page's own origin, and only when it is one of the sites
// allowed to frame this share (listed by the server in <meta name="embed-parent-origins">):
// never to "*", which would tell any page what is shown here.
(() => {
  // The password form's answer says so too, but only once the visitor has typed: a CSRF cookie
  // that the page set and the browser did not keep means that it refuses this frame's cookies.
  const blocked = document.querySelector(".embed-cookies-blocked");
  if (blocked) {
    const name = `${blocked.dataset.csrfCookie}=`;
    if (!document.cookie.split("; ").some((cookie) => cookie.startsWith(name))) blocked.hidden = false;
  }
})();

(() => {
  if (window.parent === window) return;
  const meta = document.querySelector('meta[name="embed-parent-origins"]');
  const allowed = meta ? meta.content.split(" ").filter(Boolean) : [];
  // Chromium and Safari name the framing page's origin; elsewhere, with one allowed site, it
  // can only be that one (the browser enforced frame-ancestors before running this).
  const ancestors = window.location.ancestorOrigins;
  const parentOrigin = ancestors && ancestors.length ? ancestors[0] : allowed.length === 1 ? allowed[0] : "";
  if (!allowed.includes(parentOrigin)) return;
  let last = 0;
  const tell = () => {
    // The body's, not the document's: that one is never less than the frame's own height.
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "shareportal:height", height, path: window.location.pathname }, parentOrigin);
  };
  new ResizeObserver(tell).observe(document.body);
  document.addEventListener("htmx:afterSettle", tell);
  tell();
})();
