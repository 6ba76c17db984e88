// Inside the embedded widget: tell the embedding page how tall the widget is, so its script
// (static/js/embed.js) sizes the iframe and the Sign button never sits below an inner scroll.
(() => {
  if (window.parent === window) return;
  let last = 0;
  const send = () => {
    const main = document.querySelector("main");
    if (!main) return;
    const height = Math.ceil(main.getBoundingClientRect().bottom + window.scrollY);
    if (height === last) return;
    last = height;
    // Only a height: nothing about the visitor or the form leaves the frame.
    window.parent.postMessage({ type: "solidarity-embed:height", height }, "*");
  };
  document.addEventListener("DOMContentLoaded", () => {
    send();
    if ("ResizeObserver" in window) new ResizeObserver(send).observe(document.body);
    window.addEventListener("resize", send);
    window.addEventListener("load", send);
  });
})();
