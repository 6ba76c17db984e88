// Progressive enhancement only: every form and link works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // "Copy link" buttons on the thank-you page: hidden in the HTML, shown once they can work.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = button.getAttribute("data-copy");
      const input = document.getElementById("share-url");
      let copied = false;
      try {
        await navigator.clipboard.writeText(text);
        copied = true;
      } catch (err) {
        if (input) {
          input.focus();
          input.select();
          try { copied = document.execCommand("copy"); } catch (ignored) { copied = false; }
        }
      }
      if (copied) {
        button.textContent = button.getAttribute("data-copied") || "✓";
        window.setTimeout(() => { button.textContent = label; }, 4000);
      }
    });
  });

  // The system's share sheet (phones): shown only where the browser has one and a touch screen.
  const coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  document.querySelectorAll(".share-native").forEach((button) => {
    if (!navigator.share || !coarse) return;
    button.closest(".share-native-item").hidden = false;
    button.addEventListener("click", () => {
      const data = { title: button.getAttribute("data-share-title"), url: button.getAttribute("data-share-url") };
      navigator.share(data).catch(() => {}); // closing the sheet is not an error worth showing
    });
  });

  const form = document.querySelector(".sign-form");
  if (!form) return;

  // Where the visitor came from, if another site: the page is the same for everyone (shared caches
  // keep it), so the server cannot write it in. Without this script it is simply not recorded.
  const ref = form.querySelector("input[name=ref]");
  if (ref && !ref.value && document.referrer) {
    try {
      if (new URL(document.referrer).host !== window.location.host) ref.value = document.referrer.slice(0, 500);
    } catch (ignored) { /* not a URL: nothing to record */ }
  }

  // Show organisation and role only when signing on behalf of an organisation.
  const orgFields = form.querySelector(".org-fields");
  const update = () => {
    const checked = form.querySelector("input[name=kind]:checked");
    const isOrg = checked && checked.value === "organisation";
    if (orgFields) orgFields.hidden = !isOrg && !orgFields.querySelector(".has-error");
  };
  form.querySelectorAll("input[name=kind]").forEach((radio) => radio.addEventListener("change", update));
  update();

  // After a failed submission, bring the error summary into view (on a phone it is far down).
  const summary = form.querySelector(".error-summary");
  if (summary) summary.focus();

  // One tap, one submission: ignore repeated taps while the page is loading.
  const submit = form.querySelector("button[type=submit]");
  let sending = false;
  form.addEventListener("submit", (event) => {
    if (sending) { event.preventDefault(); return; }
    sending = true;
    if (submit) submit.setAttribute("aria-disabled", "true");
  });
  // Coming back with the browser's back button restores the page as it was: allow signing again.
  window.addEventListener("pageshow", () => {
    sending = false;
    if (submit) submit.removeAttribute("aria-disabled");
  });
});
