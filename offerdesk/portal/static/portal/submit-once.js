// A double-clicked submit makes one request: a form marked data-submit-once is sent once, and its
// buttons say so while the page goes on. htmx forms use hx-disabled-elt for the same.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) return;
  if (form.dataset.submitted === "yes") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "yes";
  // Disabled after this event, so that the button's own name and value still go with the form.
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
    });
  }, 0);
}, true);
// A page brought back from the browser's history may be used again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    delete form.dataset.submitted;
    form.querySelectorAll("[aria-disabled=true]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    });
  });
});
