// Small behaviours shared by every page. No inline scripts (Content Security Policy).
document.addEventListener("DOMContentLoaded", () => {
  // Elements with data-autofocus get the focus so a form can be used without a mouse.
  const first = document.querySelector("[data-autofocus]");
  if (first) first.focus();
});

// A client suggestion (利用者の候補) fills the search box of its form and the list closes.
document.addEventListener("click", (event) => {
  const choice = event.target.closest("[data-fill]");
  if (!choice) return;
  const form = choice.closest("form");
  const input = form ? form.querySelector('input[list="client-options"]') : null;
  if (!input) return;
  input.value = choice.dataset.fill;
  const results = document.getElementById("client-results");
  if (results) results.replaceChildren();
  input.focus();
});
