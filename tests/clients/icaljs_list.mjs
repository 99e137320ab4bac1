// List a subscribed feed's occurrences as Thunderbird reads an ICS subscription, with ical.js.
// node icaljs_list.mjs URL FIRST_DAY LAST_DAY  ->  JSON [[day, start, end, title, status], ...]
// in Asia/Ho_Chi_Minh wall time. Thunderbird's ICS provider reparses the whole file on each refresh,
// registers its VTIMEZONEs, puts each RECURRENCE-ID VEVENT under its series (same UID) and expands
// the rule with its EXDATEs and exceptions: the same steps as here.
import ICAL from "ical.js";

const [url, firstDay, lastDay] = process.argv.slice(2);
const response = await fetch(url);
if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
const calendar = new ICAL.Component(ICAL.parse(await response.text()));
for (const zone of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);

const series = new Map();
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  const uid = vevent.getFirstPropertyValue("uid");
  const entry = series.get(uid) ?? { master: null, exceptions: [] };
  if (vevent.hasProperty("recurrence-id")) entry.exceptions.push(vevent);
  else entry.master = vevent;
  series.set(uid, entry);
}

const zone = "Asia/Ho_Chi_Minh";
const dayOf = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
const timeOf = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const from = new Date(`${firstDay}T00:00:00+07:00`);
const until = new Date(`${lastDay}T23:59:59+07:00`);
const found = [];

function add(item, start, end) {
  const first = start.toJSDate();
  if (first < from || first > until) return;
  const status = item.component.getFirstPropertyValue("status") ?? "CONFIRMED";
  found.push([dayOf.format(first), timeOf.format(first), timeOf.format(end.toJSDate()), item.summary, status]);
}

for (const { master, exceptions } of series.values()) {
  if (master === null) throw new Error("an occurrence without its series");
  const event = new ICAL.Event(master);
  for (const exception of exceptions) event.relateException(exception);
  if (!event.isRecurring()) {
    add(event, event.startDate, event.endDate);
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(), count = 0; next && count < 1000; next = iterator.next(), count++) {
    if (next.toJSDate() > until) break;
    const details = event.getOccurrenceDetails(next);
    add(details.item, details.startDate, details.endDate);
  }
}
found.sort((a, b) => (a.join("\u0000") < b.join("\u0000") ? -1 : 1));
console.log(JSON.stringify(found));
