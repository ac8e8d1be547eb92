// A file's preview page: the left and right arrow keys go to the previous and next file of
// its folder (the page's own "←" and "→" links, rel="prev" and rel="next"), as in a gallery.
// Not while typing, nor while a video or audio player has the keyboard (its arrows seek).
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
    return;
  }
  const rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
  if (!rel) return;
  const focused = document.activeElement;
  if (focused && focused.closest("input, textarea, select, video, audio, [contenteditable]")) {
    return;
  }
  // In a right-to-left page the previous file is on the right.
  const rtl = document.documentElement.dir === "rtl";
  const wanted = rtl ? { prev: "next", next: "prev" }[rel] : rel;
  const link = document.querySelector(`.file-steps a[rel="${wanted}"]`);
  if (link) {
    event.preventDefault();
    link.click();
  }
});
