/* The "log an inspection" form. Saves the draft a few seconds after each change (POST to the
   autosave endpoint, same fields as the form, idempotent by client_uuid) and keeps a copy on
   the device, so a refresh or a lost connection loses nothing; finds and adds enterprises and
   participants in place; loads an enterprise's checklist; turns a failed item into a finding;
   fills in the location. Without it the page's own buttons do all of this. No framework.
   On a record's page, [data-clear-draft] forgets the device copy of a submitted draft. */
(function () {
  "use strict";
  var STORE = "inspection-draft:", PENDING = STORE + "new";

  function put(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode, full */ }
  }
  function get(key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
  }

  var done = document.querySelector("[data-clear-draft]");
  if (done) put(STORE + done.getAttribute("data-clear-draft"), null);

  var form = document.querySelector("[data-inspection-form]");
  if (!form || !window.fetch || !window.FormData || !window.Promise) return;

  function all(selector, root) { return Array.prototype.slice.call((root || form).querySelectorAll(selector)); }
  function one(selector, root) { return (root || form).querySelector(selector); }
  function text(name) { return form.getAttribute("data-text-" + name) || ""; }
  function url(name) { return form.getAttribute("data-" + name + "-url"); }

  var uuid = one("[name=client_uuid]");
  var csrf = one("[name=csrfmiddlewaretoken]").value;
  var status = one("[data-save-status]");
  var isNew = !url("edit");
  // After a refused submit the address bar still shows the address the form was posted to; a
  // reload would send that old form again over whatever was saved since. Show the edit page's
  // address instead, so a reload reloads the saved draft.
  if (!isNew && window.history.replaceState && window.location.pathname !== url("edit")) {
    window.history.replaceState(null, "", url("edit"));
  }
  var base = +form.getAttribute("data-saved-ts") || 0; // server time of the save this page shows
  var dirty = false, saving = false, timer = null, revision = 0;

  function say(message) { status.textContent = message; }
  function storeKey() { return STORE + uuid.value; }
  function hasPhotos() { return all("input[type=file]").some(function (i) { return i.files && i.files.length; }); }

  function fields() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") out.push([name, value]);
    });
    return out;
  }
  function names() {
    var people = {};
    all("[data-participant]").forEach(function (row) { people[row.getAttribute("data-participant")] = one("[data-name]", row).textContent; });
    return people;
  }
  function body() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    fields().forEach(function (pair) { data.append(pair[0], pair[1]); });
    return data;
  }

  // --- Saving ---------------------------------------------------------------------------------
  // The device copy: what the form holds, and the server save it builds on (``base``).
  function keep(unsaved) { put(storeKey(), { base: base, fields: fields(), names: names(), dirty: unsaved }); }

  function changed() {
    dirty = true;
    revision += 1;
    keep(true);
    if (isNew) put(PENDING, uuid.value);
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 3000);
  }

  function save() {
    window.clearTimeout(timer);
    if (!dirty) return;
    if (saving) { timer = window.setTimeout(save, 1000); return; }
    saving = true;
    var sent = revision;
    say(text("saving"));
    fetch(url("autosave"), { method: "POST", body: body(), credentials: "same-origin", headers: { "X-CSRFToken": csrf, Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) { answer.status = response.status; return answer; });
      })
      .then(function (answer) {
        saving = false;
        if (answer.ok) {
          base = answer.saved_ts;
          Object.keys(answer.findings || {}).forEach(function (key) {
            var id = one('[name="finding-' + key + '-id"]');
            if (id) id.value = answer.findings[key];
          });
          if (isNew) {
            isNew = false;
            form.action = answer.edit_url;
            form.setAttribute("data-edit-url", answer.edit_url);
            if (window.history.replaceState) window.history.replaceState(null, "", answer.edit_url);
            put(PENDING, null);
          }
          dirty = sent !== revision;
          keep(dirty);
          say(text("saved").replace("{time}", answer.saved_at) + (hasPhotos() ? " · " + text("photos") : ""));
          if (dirty) timer = window.setTimeout(save, 3000);
        } else if (answer.status === 409 && answer.url) {
          put(storeKey(), null);
          window.location.href = answer.url;
        } else {
          var errors = answer.errors || {};
          var first = answer.detail || Object.keys(errors).map(function (k) { return errors[k].join(" "); })[0] || answer.status;
          say(text("unsaved").replace("{error}", first));
        }
      }, function () {
        saving = false;
        say(text("offline"));
        timer = window.setTimeout(save, 20000);
      });
  }

  window.addEventListener("online", save);
  document.addEventListener("visibilitychange", function () {
    // A phone switching to the camera or another app may never come back to this page.
    if (document.visibilityState === "hidden" && dirty && navigator.sendBeacon) navigator.sendBeacon(url("autosave"), body());
  });

  // --- Rows -----------------------------------------------------------------------------------
  function fromTemplate(id, token, value) {
    var box = document.createElement("div");
    box.innerHTML = document.getElementById(id).innerHTML.split(token).join(value).trim();
    return box.firstElementChild;
  }

  function enterpriseChoices() {
    var targets = all("[data-target]").map(function (b) { return [b.getAttribute("data-target"), b.getAttribute("data-name")]; });
    all("[data-finding-enterprise]").forEach(function (select) {
      var chosen = select.value;
      while (select.options.length > 1) select.remove(1);
      targets.forEach(function (t) { select.add(new Option(t[1], t[0])); });
      select.value = targets.some(function (t) { return t[0] === chosen; }) ? chosen : "";
    });
  }

  function addParticipant(id, name) {
    if (one('[data-participant="' + id + '"]')) return;
    var row = fromTemplate("ix-participant-template", "__id__", String(+id));
    one("[data-name]", row).textContent = name;
    one("[data-participants]").appendChild(row);
    var lead = one("[name=lead_official]");
    if (lead && !one('option[value="' + (+id) + '"]', lead)) lead.add(new Option(name, id));
  }

  function addFinding(values) {
    var key = "n" + Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
    var row = fromTemplate("ix-finding-template", "__key__", key);
    one("[data-findings]").appendChild(row);
    enterpriseChoices();
    values = values || {};
    if (values.enterprise) one("[data-finding-enterprise]", row).value = values.enterprise;
    if (values.item) one("[data-finding-item]", row).value = values.item;
    if (values.severity) one("[data-finding-severity]", row).value = values.severity;
    var description = one("[data-finding-description]", row);
    description.value = values.description || "";
    return description;
  }

  function fetchBlock(enterprise, checklist) {
    var query = "?enterprise=" + encodeURIComponent(enterprise) + (checklist === undefined ? "" : "&checklist=" + encodeURIComponent(checklist));
    return fetch(url("block") + query, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      var box = document.createElement("div");
      box.innerHTML = html.trim();
      var block = one("[data-target]", box);
      var old = one('[data-target="' + (+enterprise) + '"]');
      if (old) {
        var note = one("textarea", old);
        one("textarea", block).value = note ? note.value : "";
        old.parentNode.replaceChild(block, old);
      } else {
        one("[data-targets]").appendChild(block);
      }
      enterpriseChoices();
      return block;
    });
  }

  function search(box, address, label, pick) {
    var input = one("input[type=search]", box), list = one("[data-results]", box), wait = null, last = null;
    function run() {
      var query = input.value.trim();
      if (query === last) return;
      last = query;
      if (!query) { list.textContent = ""; return; }
      fetch(address + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (answer) {
          if (input.value.trim() !== query) return;
          list.textContent = "";
          if (!answer.results.length) {
            var none = document.createElement("li");
            none.className = "muted";
            none.textContent = text("none");
            list.appendChild(none);
          }
          answer.results.forEach(function (item) {
            var li = document.createElement("li"), span = document.createElement("span"), button = document.createElement("button");
            span.textContent = label(item);
            button.type = "button";
            button.className = "btn btn-sm";
            button.textContent = text("add");
            button.addEventListener("click", function () { li.remove(); pick(item); });
            li.appendChild(span);
            li.appendChild(button);
            list.appendChild(li);
          });
        })
        .catch(function () { last = null; });
    }
    input.addEventListener("input", function () { window.clearTimeout(wait); wait = window.setTimeout(run, 300); });
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); last = null; run(); } });
    one("button", box).addEventListener("click", function (event) { event.preventDefault(); last = null; run(); });
  }

  search(one('[data-search="enterprise"]'), url("enterprise"), function (e) { return e.label + " · " + e.jurisdiction; }, function (e) {
    if (one('[data-target="' + e.id + '"]')) return;
    fetchBlock(e.id).then(changed, function () { say(text("offline")); });
  });
  search(one('[data-search="official"]'), url("official"), function (o) { return o.name + " · " + o.where; }, function (o) {
    addParticipant(o.id, o.name);
    changed();
  });

  // --- The page's buttons, done in place --------------------------------------------------------
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-remove")) {
      event.preventDefault();
      var row = button.closest("[data-participant], [data-target], [data-finding]");
      if (row) row.remove();
      enterpriseChoices();
      changed();
    } else if (button.hasAttribute("data-add-finding")) {
      event.preventDefault();
      addFinding().focus();
      changed();
    } else if (button.hasAttribute("data-finding-from")) {
      event.preventDefault();
      var item = button.closest("[data-item]"), target = button.closest("[data-target]");
      var note = one(".ix-note", item).value.trim();
      var requirement = one("[data-requirement]", item).textContent.trim();
      addFinding({
        enterprise: target.getAttribute("data-target"),
        item: item.getAttribute("data-item"),
        severity: item.getAttribute("data-severity"),
        description: note ? requirement + "：" + note : requirement,
      }).focus();
      changed();
    }
  });

  function edited(event) {
    var field = event.target;
    if (!field.name || field.type === "search") return;
    if (field.type === "file") { if (event.type === "change") { photosChosen(field); say(text("photos")); } return; }
    if (field.type === "radio" && field.closest("[data-item]")) {
      var item = field.closest("[data-item]");
      item.classList.toggle("is-fail", field.value === "fail" && field.checked);
      item.classList.remove("is-missing");
    }
    if (field.hasAttribute("data-checklist")) {
      if (event.type !== "change") return;
      var block = field.closest("[data-target]");
      fetchBlock(block.getAttribute("data-target"), field.value).then(changed, function () { say(text("offline")); });
      return;
    }
    changed();
  }
  form.addEventListener("input", edited);
  form.addEventListener("change", function (event) {
    var type = event.target.type;
    if (event.target.tagName === "SELECT" || type === "radio" || type === "checkbox" || type === "file") edited(event);
  });
  form.addEventListener("submit", function () { window.clearTimeout(timer); });

  // --- Location -------------------------------------------------------------------------------
  var locate = one("[data-geolocate]");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      var note = one("[data-geolocate-status]");
      navigator.geolocation.getCurrentPosition(function (position) {
        one("[name=latitude]").value = position.coords.latitude.toFixed(6);
        one("[name=longitude]").value = position.coords.longitude.toFixed(6);
        note.textContent = text("located");
        changed();
      }, function () { note.textContent = text("noloc"); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // --- Photos: made smaller before they are sent (a 4000px phone photo becomes ~1600px) -------
  var shrinking = 0;
  function shrink(file, side) {
    if (!/^image\/(jpeg|png)$/.test(file.type) || !window.createImageBitmap || !HTMLCanvasElement.prototype.toBlob) return Promise.resolve(file);
    return window.createImageBitmap(file).then(function (image) {
      var scale = Math.min(1, side / Math.max(image.width, image.height));
      if (scale === 1 && file.size < 1500000) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(image.width * scale);
      canvas.height = Math.round(image.height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff"; // a transparent PNG would turn black as a JPEG
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob && blob.size < file.size ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }
  function photosChosen(input) {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length || !window.DataTransfer) return;
    shrinking += 1;
    Promise.all(files.map(function (f) { return shrink(f, +input.getAttribute("data-photo-resize") || 1600); })).then(function (small) {
      try {
        var transfer = new DataTransfer();
        small.forEach(function (f) { transfer.items.add(f); });
        input.files = transfer.files;
      } catch (e) { /* the originals are sent */ }
      var box = one('[data-photo-previews="' + input.id + '"]');
      if (box) {
        box.textContent = "";
        small.forEach(function (f) {
          var img = document.createElement("img");
          img.src = URL.createObjectURL(f);
          img.alt = f.name;
          box.appendChild(img);
        });
      }
      shrinking -= 1;
    });
  }
  // Submitting while photos are still being made smaller waits for them.
  form.addEventListener("submit", function (event) {
    if (!shrinking) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var button = event.submitter;
    (function wait() {
      if (shrinking) { window.setTimeout(wait, 200); return; }
      if (form.requestSubmit) form.requestSubmit(button || undefined); else form.submit();
    })();
  }, true);

  // --- Restoring what was typed on this device ----------------------------------------------
  function restore() {
    if (isNew) {
      var pending = get(PENDING);
      if (pending && get(STORE + pending)) uuid.value = pending;
    }
    var copy = get(storeKey());
    // Restore what was not saved, or what was saved after this page was made (a refresh
    // racing a save); a save newer than the copy (the page's own buttons) wins.
    if (!copy || !(copy.base > base || (copy.dirty && copy.base === base))) return;
    var values = {};
    copy.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    var wanted = function (name) { return values[name] || []; };
    all("[data-participant]").forEach(function (r) { if (wanted("participant").indexOf(r.getAttribute("data-participant")) < 0) r.remove(); });
    all("[data-finding]").forEach(function (r) { if (wanted("finding").indexOf(r.getAttribute("data-finding")) < 0) r.remove(); });
    all("[data-target]").forEach(function (r) { if (wanted("target").indexOf(r.getAttribute("data-target")) < 0) r.remove(); });
    wanted("participant").forEach(function (id) { addParticipant(id, (copy.names || {})[id] || id); });
    wanted("finding").forEach(function (key) {
      if (one('[data-finding="' + key + '"]')) return;
      var row = fromTemplate("ix-finding-template", "__key__", key);
      one("[data-findings]").appendChild(row);
    });
    var blocks = wanted("target").map(function (id) {
      var block = one('[data-target="' + id + '"]'), checklist = (values["target-" + id + "-checklist"] || [""])[0];
      if (block && one("[data-checklist]", block).value === checklist) return Promise.resolve();
      return fetchBlock(id, checklist).catch(function () {});
    });
    Promise.all(blocks).then(function () {
      enterpriseChoices();
      all("input, select, textarea").forEach(function (field) {
        var name = field.name;
        if (!name || field.type === "file" || field.type === "search" || name === "csrfmiddlewaretoken" || name === "client_uuid") return;
        if (field.type === "hidden" && !/^finding-.*-(id|item)$/.test(name)) return;
        var given = wanted(name);
        if (field.type === "checkbox" || field.type === "radio") field.checked = given.indexOf(field.value) >= 0;
        else field.value = given.length ? given[0] : "";
        if (field.type === "radio" && field.checked && field.value === "fail") field.closest("[data-item]").classList.add("is-fail");
      });
      dirty = true;
      say(text("restored"));
      timer = window.setTimeout(save, 1000);
    });
  }
  restore();
})();
