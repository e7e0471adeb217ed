/* Online submission form: accent-insensitive commune filter and upload progress.
 * Without this script the form still works: the whole sorted list of communes
 * is shown and the form posts normally. */
(function () {
  "use strict";

  // The same folding as congvu.core.text.fold: đ→d, no marks, lower case, single spaces.
  function fold(text) {
    return (text || "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .normalize("NFD")
      .replace(/\p{Mn}/gu, "")
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean)
      .join(" ");
  }

  function initPicker(root) {
    var box = root.querySelector("[data-commune-search]");
    var input = box && box.querySelector("input");
    var none = root.querySelector("[data-commune-none]");
    var items = Array.prototype.slice.call(root.querySelectorAll("li[data-folded]"));
    if (!input) {
      return;
    }
    box.hidden = false;

    function visible() {
      return items.filter(function (li) { return !li.hidden; });
    }

    function apply() {
      var words = fold(input.value).split(" ").filter(Boolean);
      items.forEach(function (li) {
        var text = li.getAttribute("data-folded");
        var matches = words.every(function (word) { return text.indexOf(word) !== -1; });
        // The chosen commune stays in sight whatever is typed.
        li.hidden = !(matches || li.querySelector("input").checked);
      });
      none.hidden = visible().length > 0;
    }

    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") {
        return;
      }
      // Enter picks the only match instead of sending the form half filled.
      event.preventDefault();
      var shown = visible();
      if (shown.length === 1) {
        var radio = shown[0].querySelector("input");
        radio.checked = true;
        radio.focus();
      }
    });
    apply();
  }

  function initUpload(form) {
    var box = form.querySelector("[data-upload-progress]");
    if (!box || !window.FormData || !window.XMLHttpRequest || !window.DOMParser) {
      return;
    }
    var bar = box.querySelector("progress");
    var percent = box.querySelector("[data-upload-percent]");
    var button = form.querySelector("button[type=submit]");

    function show(value) {
      bar.value = value;
      percent.textContent = value + "%";
    }

    function fail() {
      box.hidden = true;
      button.disabled = false;
      var alert = document.createElement("p");
      alert.className = "form-errors errorlist";
      alert.setAttribute("role", "alert");
      alert.textContent = form.getAttribute("data-network-error");
      form.insertBefore(alert, form.firstChild);
    }

    function replacePage(html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector("main");
      var current = document.querySelector("main");
      if (!fresh || !current) {
        return false;
      }
      current.replaceWith(fresh);
      document.title = doc.title;
      init();
      var problem = fresh.querySelector("[role=alert]") || fresh;
      problem.scrollIntoView();
      fresh.focus();
      return true;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = form.action || window.location.href;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-Congvu-Upload", "1");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable && e.total > 0) {
          show(Math.round((e.loaded * 100) / e.total));
        }
      });
      xhr.addEventListener("load", function () {
        var target = xhr.getResponseHeader("X-Congvu-Redirect");
        if (target) {
          window.location.assign(target);
          return;
        }
        if (xhr.responseURL && xhr.responseURL !== url) {
          window.location.assign(xhr.responseURL); // e.g. the session ended: the login page
          return;
        }
        if (!replacePage(xhr.responseText)) {
          fail();
        }
      });
      xhr.addEventListener("error", fail);
      xhr.addEventListener("abort", fail);
      button.disabled = true;
      box.hidden = false;
      show(0);
      xhr.send(new FormData(form));
    });
  }

  function init() {
    document.querySelectorAll("[data-commune-picker]").forEach(initPicker);
    document.querySelectorAll("form[data-online-submit]").forEach(initUpload);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
