// The care pathway's words, as pure functions (no DOM, no API; tested under Node): a caller's prior calls
// in short lines, and the outreach queue's order and due dates.

/** The history's prior calls as short lines: date, incident and type, disposition, outcome, care outcomes
 * (types and care outcomes in words when their names are given), and why the call matched. */
export function priorCallLines(history, typeNames = new Map(), careLabels = new Map()) {
  return (history?.prior_calls || []).map((c) => {
    const i = c.incident;
    const care = i?.care_outcomes?.length ? `; care: ${i.care_outcomes.map((o) => careLabels.get(o) || o).join("; ")}` : "";
    const what = i ? `${i.id} ${typeNames.get(i.type) || i.type}${i.disposition ? `, disposition ${i.disposition}` : ""}` +
      `${i.outcome ? `: ${i.outcome}` : ""}${care}` : "no incident";
    const why = [c.same_number ? "same number" : null, c.same_address ? "same address" : null].filter(Boolean).join(", ");
    return `${c.received_at.slice(0, 10)} ${what}${why ? ` (${why})` : ""}`;
  });
}

/** Tasks soonest due first (the overdue ones are the soonest). */
export function sortTasks(tasks) {
  return [...tasks].sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
}

/** When a task is due, in words: OVERDUE, due today, due in N days; or its status when closed. */
export function dueWords(task, now = Date.now()) {
  const days = Math.round((Date.parse(task.due_at) - now) / 86400000);
  if (task.status !== "open") return task.status.toUpperCase();
  if (task.overdue || Date.parse(task.due_at) < now) return `OVERDUE (due ${task.due_at.slice(0, 10)})`;
  return days <= 0 ? `due today (${task.due_at.slice(0, 10)})` : `due in ${days} day${days === 1 ? "" : "s"} (${task.due_at.slice(0, 10)})`;
}
