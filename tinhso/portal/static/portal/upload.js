/* Tỉnh số — uploads with a progress bar on the documents step of the online submission.
   Without this file the page still works: the files go with the form ("Lưu và tiếp tục").
   With it, a file is sent as soon as it is chosen (XMLHttpRequest, so the <progress> shows how
   much has been sent), stored at once in the citizen's document store and ticked in the list of
   chosen documents; an error (wrong type 415, too large 413) is shown next to the field. */
(function () {
  "use strict";
  var MAX_BYTES = 20 * 1024 * 1024;

  var DEFAULTS = {
    tooLarge: "Tệp vượt quá dung lượng tối đa 20 MB.",
    uploading: "Đang tải lên",
    done: "Đã tải lên và lưu vào kho:",
    failed: "Không tải lên được; hãy thử lại.",
    offline: "Mất kết nối khi tải lên; hãy thử lại."
  };

  /* The page's own (translated) wording, from data-text-* attributes of the form. */
  function text(form, key) {
    var name = "text" + key.charAt(0).toUpperCase() + key.slice(1);
    return (form && form.dataset[name]) || DEFAULTS[key];
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function showError(block, status, message) {
    block.classList.add("field-error");
    status.textContent = "";
    var p = document.createElement("p");
    p.className = "error-message";
    p.textContent = message;
    status.appendChild(p);
    var input = block.querySelector("input[type=file]");
    if (input) { input.setAttribute("aria-invalid", "true"); }
  }

  function clearError(block) {
    block.classList.remove("field-error");
    var input = block.querySelector("input[type=file]");
    if (input) { input.removeAttribute("aria-invalid"); }
  }

  function addChosen(block, input, data) {
    var list = block.querySelector("[data-document-list]");
    var id = "component-" + input.dataset.component + "-document-" + data.id;
    var existing = document.getElementById(id);
    if (existing) {
      existing.checked = true;
      if (list && existing.closest("ul") !== list) {
        var placeholder = list.querySelector("[data-empty-item]");
        if (placeholder) { placeholder.remove(); }
        list.appendChild(existing.closest("li"));
      }
      return;
    }
    var li = document.createElement("li");
    li.className = "checkbox";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = id;
    box.name = "component-" + input.dataset.component + "-documents";
    box.value = data.id;
    box.checked = true;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = data.title + " — " + data.original_name + " (" + data.size_label + ")";
    li.appendChild(box);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(label);
    if (list) {
      var empty = list.querySelector("[data-empty-item]");
      if (empty) { empty.remove(); }
      list.appendChild(li);
    }
  }

  function upload(input) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    var block = input.closest("[data-component-block]");
    var status = block.querySelector("[data-upload-status]");
    clearError(block);
    if (file.size > MAX_BYTES) {
      showError(block, status, text(input.form, "tooLarge"));
      input.value = "";
      return;
    }
    status.textContent = "";
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", text(input.form, "uploading") + " " + file.name);
    var note = document.createElement("p");
    note.className = "hint";
    note.textContent = text(input.form, "uploading") + " " + file.name + "…";
    status.appendChild(note);
    status.appendChild(progress);

    var data = new FormData();
    data.append("component", input.dataset.component);
    data.append("file", file);
    var request = new XMLHttpRequest();
    request.open("POST", input.dataset.uploadUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken(input.form));
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { progress.value = Math.round((event.loaded / event.total) * 100); }
    });
    request.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
      if (request.status === 200 || request.status === 201) {
        progress.value = 100;
        addChosen(block, input, body);
        status.textContent = text(input.form, "done") + " " + body.original_name + ".";
        input.value = "";
      } else {
        showError(block, status, body.detail || text(input.form, "failed"));
        input.value = "";
      }
    });
    request.addEventListener("error", function () {
      showError(block, status, text(input.form, "offline"));
    });
    request.send(data);
  }

  document.querySelectorAll("input[type=file][data-upload-url]").forEach(function (input) {
    input.addEventListener("change", function () { upload(input); });
  });
})();
