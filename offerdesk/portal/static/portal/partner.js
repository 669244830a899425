// A double-clicked submit sends one request: a form already on its way ignores the next submit, and its
// buttons say so. (htmx forms are disabled by hx-disabled-elt; the page that answers brings fresh forms.)
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  if (form.dataset.sending === "true") {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "true";
  form.setAttribute("aria-busy", "true");
});
