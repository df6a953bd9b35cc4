// Small behaviours shared by every page. No inline scripts (Content Security Policy).
document.addEventListener("DOMContentLoaded", () => {
  // After a refused save the focus goes to the first wrong field; otherwise elements with
  // data-autofocus get it, so that a form can be used without a mouse.
  // An error of the whole form (two fields that do not fit together) is announced and focused
  // like a field's.
  const invalid = document.querySelectorAll(".is-invalid");
  const formError = document.querySelector("main form .alert-danger");
  if (formError && !invalid.length) formError.setAttribute("tabindex", "-1");
  const first = invalid[0] || formError || document.querySelector("[data-autofocus]");
  if (first) first.focus();
  // Screen readers hear that the save was refused, and how many fields to correct; an error of
  // the whole form is read out where the focus lands on it (its text is not repeated here).
  const status = document.getElementById("form-status");
  if (status && (invalid.length || formError)) {
    status.textContent = invalid.length
      ? `保存できませんでした。入力内容を確認してください（${invalid.length}か所）。`
      : "入力内容を確認してください。";
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

// A form is sent once: a second click while the first is on its way does nothing (the server
// also stores one record per form, whatever arrives). Back on the page (back button), it can
// be sent again.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  form.setAttribute("aria-busy", "true");
});
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-sending]").forEach((form) => {
    delete form.dataset.sending;
    form.removeAttribute("aria-busy");
  });
});

// A live update (an attendance tick) that fails says so in Japanese and puts the control back
// as it is stored.
function liveUpdateFailed(event, message) {
  const control = event.detail.elt;
  if (control && control.type === "checkbox") control.checked = !control.checked;
  let box = document.getElementById("live-error");
  if (!box) {
    box = document.createElement("div");
    box.id = "live-error";
    box.className = "alert alert-danger";
    box.setAttribute("role", "alert");
    document.querySelector("main")?.prepend(box);
  }
  box.textContent = message;
  if (control) control.focus();
}
document.addEventListener("htmx:sendError", (event) => {
  liveUpdateFailed(event, "サーバーにつながらず、保存できませんでした。チェックは元に戻しました。通信を確かめて、もう一度操作してください。");
});
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  const message = status === 403 || status === 404
    ? "この操作はできません。ページを読み込み直してください。チェックは元に戻しました。"
    : "保存できませんでした（サーバーの一時的な不具合）。チェックは元に戻しました。しばらくしてからもう一度操作してください。";
  liveUpdateFailed(event, message);
});

// 「行を追加」: a formset gets one more row, copied from its <template> (labels numbered in turn).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const total = document.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const template = document.getElementById(`${prefix}-template`);
  const rows = document.querySelector(`[data-rows="${prefix}"]`);
  if (!total || !template || !rows) return;
  const index = Number(total.value);
  const html = template.innerHTML.replaceAll("__prefix__", String(index)).replaceAll("__num__", String(index + 1));
  rows.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const added = rows.lastElementChild && rows.lastElementChild.querySelector("input, select, textarea");
  if (added) added.focus();
});
