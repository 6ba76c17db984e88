// Progressive enhancement only: every form and link works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // "Copy link" buttons on the thank-you page.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const text = button.getAttribute("data-copy");
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = button.getAttribute("data-copied") || "✓";
      } catch (err) {
        const input = document.getElementById("share-url");
        if (input) { input.focus(); input.select(); }
      }
    });
  });

  // Show organisation and role only when signing on behalf of an organisation.
  const form = document.querySelector(".sign-form");
  if (form) {
    const orgFields = form.querySelector(".org-fields");
    const radios = form.querySelectorAll("input[name=kind]");
    const update = () => {
      const checked = form.querySelector("input[name=kind]:checked");
      const isOrg = checked && checked.value === "organisation";
      if (orgFields) orgFields.hidden = !isOrg && !orgFields.querySelector(".has-error");
    };
    radios.forEach((radio) => radio.addEventListener("change", update));
    update();
  }
});
