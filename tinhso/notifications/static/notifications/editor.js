/* Live preview of a notification template: while the administrator types, the text is rendered
   on the sample data by the server (the same code that sends it). Without JavaScript the
   "Xem trước" button does the same with a full page load. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var region = document.getElementById("template-preview");
  if (!form || !region || !window.fetch || !window.FormData) { return; }
  var timer = null;
  var errorBox = region.querySelector("[data-preview-error]");
  var subjectBox = region.querySelector("[data-preview-subject]");
  var bodyBox = region.querySelector("[data-preview-body]");
  var lengthBox = document.querySelector("[data-preview-length]");
  function refresh() {
    var data = new FormData(form);
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (!result) { return; }
      errorBox.textContent = result.error;
      errorBox.hidden = !result.error;
      if (subjectBox) { subjectBox.textContent = result.subject; }
      bodyBox.textContent = result.body;
      if (lengthBox) { lengthBox.textContent = String(result.body.length); }
    }).catch(function () { /* the button still works */ });
  }
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  });
})();
