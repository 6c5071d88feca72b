// 被扶養者資格調査: hide a follow-up question until its parent is answered so. Without
// JavaScript every question shows, with a note saying when to answer it; the server ignores
// answers to follow-ups that do not apply.
(function () {
  "use strict";
  function parentValue(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }
  function isShown(form, fieldset) {
    var parentName = fieldset.getAttribute("data-parent");
    if (!parentName) return true;
    var parentSet = form.querySelector('[data-name="' + parentName + '"]');
    if (parentSet && parentSet.hidden) return false;
    return parentValue(form, parentName) === fieldset.getAttribute("data-parent-value");
  }
  function update(form) {
    form.querySelectorAll(".dep-question").forEach(function (fieldset) {
      fieldset.hidden = !isShown(form, fieldset);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.dep-questions").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();
