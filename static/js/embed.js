// On the embedding page: size our widget iframes to their content. The widget posts its height;
// only messages from this script's own site, from one of the iframes it serves, are obeyed.
(() => {
  const script = document.currentScript;
  const origin = script ? new URL(script.src, document.baseURI).origin : "";
  window.addEventListener("message", (event) => {
    if (event.origin !== origin) return;
    const data = event.data;
    if (!data || data.type !== "solidarity-embed:height") return;
    const height = Number(data.height);
    if (!Number.isFinite(height) || height < 50 || height > 10000) return;
    document.querySelectorAll("iframe[data-solidarity-embed]").forEach((frame) => {
      if (frame.contentWindow === event.source) frame.style.height = `${height}px`;
    });
  });
})();
