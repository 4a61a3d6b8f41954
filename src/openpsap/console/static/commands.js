// The dispatcher's command line, parsed. PURE: no DOM, no network; tests/js/commands.test.mjs covers it.
//
//   D E01 [M10 ...] 26-000123   dispatch the named units to the incident
//   D 26-000123 | REC 26-000123 dispatch the recommended units
//   ER E01 / OS E01 / TR E01 / AH E01 / AV E01 / OOS E01   unit en route / on scene / transporting /
//                               at hospital / available (in service) / out of service
//   N 26-000123 text            add a note
//   CL 26-000123 18 [outcome]   close with an EIDO disposition code (and what happened)
//   O 26-000123                 open the incident
// parse(text) -> {ok: true, command} or {ok: false, error}: never throws.

export const INCIDENT_ID = /^\d{2}-\d{6,9}$/;
export const UNIT_ID = /^[A-Z0-9]{1,16}$/;
export const DISPOSITION = /^[0-9A-Z]{1,8}$/;

export const STATUS_VERBS = {
  ER: "EnRoute",
  OS: "OnScene",
  TR: "Transporting",
  AH: "Hospital",
  AV: "InService",
  OOS: "OutofService",
};

export const HELP = [
  ["D E01 26-000123", "dispatch E01 (or several units) to incident 26-000123"],
  ["D 26-000123", "dispatch the recommended units (also: REC 26-000123)"],
  ["ER E01", "E01 en route"],
  ["OS E01", "E01 on scene"],
  ["TR E01", "E01 transporting"],
  ["AH E01", "E01 at hospital"],
  ["AV E01", "E01 available (in service)"],
  ["OOS E01", "E01 out of service"],
  ["N 26-000123 text", "add a note to the incident"],
  ["CL 26-000123 18 text", "close the incident with disposition 18 and an outcome"],
  ["O 26-000123", "open the incident"],
];

const fail = (error) => ({ ok: false, error });
const ok = (command) => ({ ok: true, command });

function incidentArg(word, verb) {
  if (word === undefined) return [null, `${verb} needs an incident number, e.g. ${verb} 26-000123`];
  if (!INCIDENT_ID.test(word)) return [null, `'${word}' is not an incident number (like 26-000123)`];
  return [word, null];
}

function unitArg(word, verb) {
  if (word === undefined) return [null, `${verb} needs a unit, e.g. ${verb} E01`];
  const unit = word.toUpperCase();
  if (INCIDENT_ID.test(word)) return [null, `${verb} takes a unit, not an incident number ('${word}')`];
  if (!UNIT_ID.test(unit)) return [null, `'${word}' is not a unit id (letters and digits, like E01)`];
  return [unit, null];
}

function dispatch(args) {
  if (args.length === 0) return fail("D needs units and an incident (D E01 26-000123) or an incident alone (D 26-000123) for the recommended units");
  const last = args[args.length - 1];
  if (!INCIDENT_ID.test(last)) return fail(`D must end with an incident number (like 26-000123), not '${last}'`);
  if (args.length === 1) return ok({ kind: "dispatch-recommended", incident: last });
  const units = [];
  for (const word of args.slice(0, -1)) {
    const [unit, error] = unitArg(word, "D");
    if (error) return fail(error);
    if (!units.includes(unit)) units.push(unit);
  }
  if (units.length > 25) return fail("at most 25 units in one dispatch");
  return ok({ kind: "dispatch", incident: last, units });
}

export function parse(text) {
  if (typeof text !== "string") return fail("type a command");
  const trimmed = text.trim();
  if (!trimmed) return fail("type a command (F1 lists them)");
  const words = trimmed.split(/\s+/);
  const verb = words[0].toUpperCase();
  const args = words.slice(1);
  if (verb === "D") return dispatch(args);
  if (verb === "REC") {
    const [incident, error] = incidentArg(args[0], "REC");
    if (error) return fail(error);
    if (args.length > 1) return fail("REC takes only an incident number");
    return ok({ kind: "dispatch-recommended", incident });
  }
  if (verb in STATUS_VERBS) {
    const [unit, error] = unitArg(args[0], verb);
    if (error) return fail(error);
    if (args.length > 1) return fail(`${verb} takes one unit; give one command per unit`);
    return ok({ kind: "status", unit, status: STATUS_VERBS[verb] });
  }
  if (verb === "N") {
    const [incident, error] = incidentArg(args[0], "N");
    if (error) return fail(error);
    const note = trimmed.replace(/^\S+\s+\S+\s*/, "");
    if (!note) return fail("N needs the note's text after the incident number");
    if (note.length > 4000) return fail("a note is at most 4000 characters");
    return ok({ kind: "note", incident, text: note });
  }
  if (verb === "CL") {
    const [incident, error] = incidentArg(args[0], "CL");
    if (error) return fail(error);
    const code = args[1];
    if (code === undefined) return fail("CL needs a disposition code after the incident, e.g. CL 26-000123 18");
    if (!DISPOSITION.test(code.toUpperCase())) return fail(`'${code}' is not a disposition code (like 18)`);
    const outcome = trimmed.replace(/^\S+\s+\S+\s+\S+\s*/, "");
    return ok({ kind: "close", incident, disposition: code.toUpperCase(), outcome: outcome || null });
  }
  if (verb === "O") {
    const [incident, error] = incidentArg(args[0], "O");
    if (error) return fail(error);
    return ok({ kind: "open", incident });
  }
  return fail(`unknown command '${words[0]}'; known: D, REC, ${Object.keys(STATUS_VERBS).join(", ")}, N, CL, O (F1 for help)`);
}
