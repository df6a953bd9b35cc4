// Small behaviours shared by every page. No inline scripts (Content Security Policy).
document.addEventListener("DOMContentLoaded", () => {
  // Elements with data-autofocus get the focus so a form can be used without a mouse.
  const first = document.querySelector("[data-autofocus]");
  if (first) first.focus();
});
