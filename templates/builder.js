// The pack builder's exercise form: open a document, select words in it, and put them
// in the passage, a new piece of evidence or a new version, exactly as the document
// has them. Without this script the section stays hidden and passages are pasted.
(function () {
  "use strict";
  var picker = document.getElementById("doc-picker");
  var form = document.getElementById("exercise-form");
  if (!picker || !form) return;
  picker.hidden = false;
  var choose = document.getElementById("doc-picker-document");
  var box = document.getElementById("doc-picker-text");
  var status = document.getElementById("doc-picker-status");
  var chosen = "";
  var documentId = "";
  var copies = 0;

  function say(message) {
    status.textContent = message;
  }

  choose.addEventListener("change", function () {
    var option = choose.options[choose.selectedIndex];
    documentId = option.getAttribute("data-id") || "";
    box.textContent = "";
    chosen = "";
    if (!choose.value) return;
    say("Opening the document…");
    fetch(choose.getAttribute("data-base") + choose.value + "/text", { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (text) {
        box.textContent = text;
        say("Select the words you want, then press a button below.");
      })
      .catch(function () {
        say("The document could not be opened. Paste the words into the form instead.");
      });
  });

  // A phone may clear the selection when a button is pressed: keep the last one made
  // in the document.
  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    if (box.contains(range.commonAncestorContainer)) {
      var text = selection.toString().trim();
      if (text) chosen = text;
    }
  });

  function field(group, name) {
    return group.querySelector("[name=" + name + "]");
  }

  // The first group of `kind` rows whose text is empty, or a new copy of the last one.
  function blankRow(kind) {
    var groups = Array.prototype.filter.call(form.querySelectorAll("fieldset"), function (group) {
      return field(group, kind + "_text");
    });
    for (var i = 0; i < groups.length; i++) {
      if (!field(groups[i], kind + "_text").value.trim()) return groups[i];
    }
    var last = groups[groups.length - 1];
    if (!last) return null;
    copies += 1;
    var copy = last.cloneNode(true);
    var suffix = "-copy" + copies;
    Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (element) {
      element.id += suffix;
    });
    copy.id += suffix;
    Array.prototype.forEach.call(copy.querySelectorAll("label[for]"), function (label) {
      label.setAttribute("for", label.getAttribute("for") + suffix);
    });
    Array.prototype.forEach.call(copy.querySelectorAll("[aria-describedby]"), function (element) {
      var ids = element.getAttribute("aria-describedby").split(" ").map(function (id) {
        return id + suffix;
      });
      element.setAttribute("aria-describedby", ids.join(" "));
    });
    Array.prototype.forEach.call(copy.querySelectorAll("input, textarea, select"), function (input) {
      input.value = "";
      input.removeAttribute("aria-invalid");
    });
    Array.prototype.forEach.call(copy.querySelectorAll(".field-problems"), function (list) {
      list.remove();
    });
    last.parentNode.insertBefore(copy, last.nextSibling);
    return copy;
  }

  Array.prototype.forEach.call(picker.querySelectorAll("button[data-use]"), function (button) {
    button.addEventListener("click", function () {
      if (!chosen || !documentId) {
        say("Open a document and select some words in it first.");
        return;
      }
      var kind = button.getAttribute("data-use");
      var group = kind === "passage" ? form.querySelector("[name=passage_text]").closest("fieldset") : blankRow(kind);
      if (!group) return;
      field(group, kind + "_source").value = documentId;
      field(group, kind + "_text").value = chosen;
      var legend = group.querySelector("legend");
      say("The words are in “" + (legend ? legend.textContent : kind) + "”. Save the exercise to keep them.");
    });
  });
})();
