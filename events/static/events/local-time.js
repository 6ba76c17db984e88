// Progressive enhancement: show an event's time in the visitor's own time zone when it differs
// from the event's. Without JavaScript the page shows the time in the event's zone, which is enough.
document.addEventListener("DOMContentLoaded", () => {
  let visitorZone;
  try {
    visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (err) {
    return;
  }
  // The visitor's own conventions (en-GB: 23:00) when they read the page's language, else the page's.
  const pageLang = document.documentElement.lang || "";
  const browserLang = navigator.language || "";
  const lang = pageLang && !browserLang.startsWith(pageLang) ? pageLang : browserLang || undefined;
  const wall = (date, timeZone) =>
    new Intl.DateTimeFormat("en-GB", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    }).format(date);
  document.querySelectorAll("[data-local-time]").forEach((element) => {
    const start = new Date(element.dataset.start);
    const end = new Date(element.dataset.end);
    const eventZone = element.dataset.zone;
    if (!visitorZone || Number.isNaN(start.getTime()) || visitorZone === eventZone) return;
    try {
      // Another zone with the same clock time at that moment adds nothing.
      if (wall(start, visitorZone) === wall(start, eventZone)) return;
    } catch (err) {
      return;
    }
    const format = new Intl.DateTimeFormat(lang, {
      weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
      timeZone: visitorZone, timeZoneName: "short",
    });
    const text = format.formatRange ? format.formatRange(start, end) : format.format(start);
    const target = element.querySelector("[data-local-value]");
    if (!target) return;
    target.textContent = text;
    element.hidden = false;
  });
});
