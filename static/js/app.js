// Small behaviours shared by every page. No inline scripts (Content Security Policy).
document.addEventListener("DOMContentLoaded", () => {
  // After a refused save the focus goes to the first wrong field; otherwise elements with
  // data-autofocus get it, so that a form can be used without a mouse.
  const invalid = document.querySelectorAll(".is-invalid");
  const first = invalid[0] || document.querySelector("[data-autofocus]");
  if (first) first.focus();
  // Screen readers hear that the save was refused, and how many fields to correct.
  const status = document.getElementById("form-status");
  if (status && invalid.length) {
    status.textContent = `保存できませんでした。入力内容を確認してください（${invalid.length}か所）。`;
  }

  // A counter under every text box with a length limit: 「123 / 4000文字」.
  document.querySelectorAll("textarea[maxlength]").forEach((box) => {
    const counter = document.createElement("div");
    counter.className = "form-text text-end";
    counter.setAttribute("aria-live", "polite");
    const update = () => {
      counter.textContent = `${box.value.length} / ${box.maxLength}文字`;
    };
    box.after(counter);
    box.addEventListener("input", update);
    update();
  });
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

// 「印刷」 buttons (the case record): the browser's print dialog.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
