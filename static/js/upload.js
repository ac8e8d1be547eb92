// Uploads into a share (templates/jinja2/shares/upload.html): pick or drop files, and each one
// goes up in three steps. The portal asks the drive for the upload and answers the signed URL
// of each part; the browser PUTs the part's bytes straight to that URL on the drive's data
// host (XHR, for its upload progress); the portal asks the drive to finish the file. The
// bytes never pass through the portal, and its answers never carry the share token.
(() => {
  "use strict";

  const zone = document.querySelector("[data-upload]");
  if (!zone) return;

  const input = zone.querySelector("[data-files]");
  const drop = zone.querySelector("[data-drop]");
  const list = zone.querySelector("[data-list]");
  const overall = zone.querySelector("[data-overall]");
  const overallBar = zone.querySelector("[data-overall-bar]");
  const overallText = zone.querySelector("[data-overall-text]");
  const maxSize = Number(zone.dataset.maxSize || 0);
  const texts = zone.querySelector("[data-texts]").content;

  const text = (key, name) => {
    const found = texts.querySelector(`[data-text="${key}"]`);
    const value = found ? found.textContent.trim() : key;
    return name === undefined ? value : value.replace("{name}", name);
  };

  // Every file picked, in order: {file, sent, state, row, ...}. Sent bytes add up to the
  // overall progress; one file is sent at a time, its parts one after the other.
  const uploads = [];
  let running = false;

  const postJson = async (url, body) => {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": zone.dataset.csrfToken,
      },
      body: JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch {
      data = {};
    }
    if (!response.ok) {
      const error = new Error(data.error || response.statusText);
      error.code = data.code || "unavailable";
      throw error;
    }
    return data;
  };

  const showOverall = () => {
    const total = uploads.reduce((sum, u) => sum + (u.state === "cancelled" ? 0 : u.file.size), 0);
    const sent = uploads.reduce((sum, u) => sum + (u.state === "cancelled" ? 0 : u.sent), 0);
    const percent = total ? Math.floor((100 * sent) / total) : 100;
    overall.hidden = false;
    overallBar.value = percent;
    overallText.textContent = `${percent}%`;
  };

  const setStatus = (upload, state, message) => {
    upload.state = state;
    upload.row.className = `upload__item upload__item--${state}`;
    upload.status.textContent = message || text(state);
    upload.cancel.hidden = !["waiting", "sending"].includes(state);
    upload.again.hidden = true;
  };

  const addRow = (file) => {
    const row = document.createElement("li");
    const name = document.createElement("span");
    name.className = "upload__name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", text("progress_of", file.name));
    const status = document.createElement("span");
    status.className = "upload__status";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button button--small";
    cancel.textContent = text("cancel");
    cancel.setAttribute("aria-label", text("cancel_of", file.name));
    const again = document.createElement("button");
    again.type = "button";
    again.className = "button button--small";
    again.hidden = true;
    row.append(name, bar, status, cancel, again);
    list.append(row);
    const upload = { file, sent: 0, row, bar, status, cancel, again, rename: false, xhr: null };
    cancel.addEventListener("click", () => {
      if (upload.xhr) upload.xhr.abort();
      upload.sent = 0;
      bar.value = 0;
      setStatus(upload, "cancelled");
      showOverall();
    });
    again.addEventListener("click", () => {
      upload.rename = upload.againRenames;
      upload.sent = 0;
      setStatus(upload, "waiting");
      showOverall();
      run();
    });
    return upload;
  };

  const fail = (upload, code, message) => {
    upload.sent = 0;
    upload.bar.value = 0;
    setStatus(upload, "error", message);
    upload.code = code;
    if (code === "name_taken") {
      upload.again.textContent = text("rename");
      upload.againRenames = true;
      upload.again.hidden = false;
    } else if (["network", "unavailable", "locked"].includes(code)) {
      upload.again.textContent = text("retry");
      upload.againRenames = upload.rename;
      upload.again.hidden = false;
    }
  };

  // PUT one part's bytes to its signed URL, reporting progress; resolves when stored.
  const putPart = (upload, part, offset) =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      upload.xhr = xhr;
      xhr.open("PUT", part.url);
      xhr.upload.addEventListener("progress", (event) => {
        upload.sent = offset + event.loaded;
        upload.bar.value = Math.floor((100 * upload.sent) / (upload.file.size || 1));
        showOverall();
      });
      xhr.addEventListener("load", () => {
        upload.xhr = null;
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(Object.assign(new Error(xhr.responseText.trim()), { code: "refused" }));
      });
      xhr.addEventListener("error", () => {
        upload.xhr = null;
        reject(Object.assign(new Error(text("network")), { code: "network" }));
      });
      xhr.addEventListener("abort", () => {
        upload.xhr = null;
        reject(Object.assign(new Error(text("cancelled")), { code: "cancelled" }));
      });
      xhr.send(upload.file.slice(offset, offset + part.size));
    });

  const send = async (upload) => {
    const { file } = upload;
    if (maxSize && file.size > maxSize) {
      fail(upload, "too_big", text("too_big"));
      return;
    }
    setStatus(upload, "sending");
    const started = await postJson(zone.dataset.startUrl, {
      name: file.name,
      size: file.size,
      folder: zone.dataset.folder,
      rename: upload.rename,
    });
    if (started.name !== file.name) upload.row.querySelector(".upload__name").textContent = started.name;
    let offset = 0;
    for (const part of started.parts) {
      if (upload.state === "cancelled") return;
      await putPart(upload, part, offset);
      offset += part.size;
    }
    if (upload.state === "cancelled") return;
    setStatus(upload, "finishing");
    await postJson(zone.dataset.completeUrl, { ref: started.ref });
    upload.sent = file.size;
    upload.bar.value = 100;
    setStatus(upload, "done");
    showOverall();
  };

  // The listing of the page, fetched again and put in place, so the new files show.
  const refreshListing = async () => {
    const current = document.querySelector(".listing");
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector(".listing");
      if (!response.ok || !current || !fresh) throw new Error("no listing");
      current.replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
    } catch {
      window.location.reload();
    }
  };

  const run = async () => {
    if (running) return;
    running = true;
    let finished = 0;
    for (;;) {
      const next = uploads.find((u) => u.state === "waiting");
      if (!next) break;
      try {
        await send(next);
        if (next.state === "done") finished += 1;
      } catch (error) {
        if (next.state !== "cancelled") fail(next, error.code, error.message);
      }
      showOverall();
    }
    running = false;
    if (finished) {
      if (uploads.every((u) => ["done", "cancelled"].includes(u.state))) {
        overallText.textContent = text("all_done");
      }
      await refreshListing();
    }
  };

  const add = (files) => {
    for (const file of files) {
      const upload = addRow(file);
      uploads.push(upload);
      setStatus(upload, "waiting");
    }
    showOverall();
    run();
  };

  input.addEventListener("change", () => {
    add(Array.from(input.files));
    input.value = "";
  });
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (event) => {
      event.preventDefault();
      drop.classList.add("upload__zone--over");
    });
  }
  for (const name of ["dragleave", "drop"]) {
    drop.addEventListener(name, () => drop.classList.remove("upload__zone--over"));
  }
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    const files = Array.from(event.dataTransfer.files || []);
    if (files.length) add(files);
  });
})();
