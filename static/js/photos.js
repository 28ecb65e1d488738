/* Photos chosen in a file input marked data-photo-resize="<max px>" are made smaller in the
   browser before upload (a phone photo of 4000px and 5 MB becomes ~1600px and a few hundred
   KB), so that uploads over a weak mobile connection finish. Where the browser cannot (no
   canvas.toBlob or DataTransfer), or a photo would not get smaller, the original is sent.
   Also shows small previews in [data-photo-previews="<input id>"]. No framework. */
(function () {
  "use strict";

  var QUALITY = 0.85;
  var SMALL_ENOUGH = 1.5 * 1024 * 1024;

  function canResize() {
    return !!(window.HTMLCanvasElement && HTMLCanvasElement.prototype.toBlob && window.DataTransfer && window.File && window.URL);
  }

  function loadImage(file) {
    if (window.createImageBitmap) {
      return window.createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return loadWithElement(file);
      });
    }
    return loadWithElement(file);
  }

  function loadWithElement(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var image = new Image();
      image.onload = function () { URL.revokeObjectURL(url); resolve(image); };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("unreadable image")); };
      image.src = url;
    });
  }

  function resize(file, maxSide) {
    if (!/^image\/(jpeg|png)$/i.test(file.type)) return Promise.resolve(file);
    return loadImage(file).then(function (image) {
      var width = image.width, height = image.height;
      var scale = Math.min(1, maxSide / Math.max(width, height));
      if (scale === 1 && file.size <= SMALL_ENOUGH) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      var context = canvas.getContext("2d");
      // A PNG with transparency would turn black as a JPEG: paint white behind it.
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) image.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function showPreviews(input) {
    var box = document.querySelector('[data-photo-previews="' + input.id + '"]');
    if (!box || !window.URL) return;
    box.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
    box.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (!/^image\//.test(file.type)) return;
      var figure = document.createElement("figure");
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      var caption = document.createElement("figcaption");
      caption.textContent = file.name + " · " + Math.max(1, Math.round(file.size / 1024)) + " KB";
      figure.appendChild(img);
      figure.appendChild(caption);
      box.appendChild(figure);
    });
  }

  function enhance(input) {
    var maxSide = parseInt(input.getAttribute("data-photo-resize"), 10) || 1600;
    var form = input.form;
    var pending = null;

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length || !canResize()) { showPreviews(input); return; }
      pending = Promise.all(files.map(function (f) { return resize(f, maxSide); })).then(function (results) {
        try {
          var transfer = new DataTransfer();
          results.forEach(function (f) { transfer.items.add(f); });
          input.files = transfer.files;
        } catch (error) {
          // Some browsers refuse to set files: the originals go as they are.
        }
        showPreviews(input);
        pending = null;
      });
    });

    // Submitting while photos are still being made smaller waits for them.
    if (form) {
      form.addEventListener("submit", function (event) {
        if (!pending) return;
        event.preventDefault();
        event.stopImmediatePropagation();
        var submitter = event.submitter;
        pending.then(function () {
          if (form.requestSubmit) form.requestSubmit(submitter || undefined);
          else form.submit();
        });
      }, true);
    }
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    document.querySelectorAll("input[type='file'][data-photo-resize]").forEach(enhance);
  });
})();
