"""Every kind of event openpsap records, with what its data holds. Past tense, kebab-case.

Recording an event whose kind is not listed here is a programming error (see record()).
docs/events.md is generated from this list; a test checks it is current.
"""

from __future__ import annotations

EVENT_KINDS: dict[str, str] = {
    # set-up and people
    "agency-added": "An agency (police, fire, EMS) joined: id, name, discipline.",
    "station-added": "A station: id, name, agency_id, lat, lon, address.",
    "unit-added": "A unit entered the roster: id, unit_type, capabilities, agency_id, home_station_id, lat, lon.",
    "station-updated": "An admin changed a station: id, changes {field: new value} (name, lat, lon, address), previous {field: old value}.",
    "unit-updated": "An admin changed a unit in the roster: id, changes {field: new value} (unit_type, capabilities, home_station_id), previous {field: old value}.",
    "configuration-changed": "An admin set a configuration document (response-plans, care): key, version, document (what its YAML file holds), source.",
    "user-added": "A user account: username, display_name, roles, unit_id (no password data).",
    "user-password-set": "A user's password was set or changed (the hash is never in the log).",
    "user-logged-in": "A user obtained an API token or console session.",
    "user-disabled": "An admin disabled a user (no login; every token revoked): username.",
    "user-enabled": "An admin enabled a disabled user again: username.",
    "user-tokens-revoked": "A user was signed out everywhere: username, tokens (how many were revoked).",
    # calls
    "call-received": "A 911 call arrived: id, channel, caller_number, received_at, location.",
    "call-answered": "A call-taker answered the call: id, answered_at.",
    "call-updated": "Call details changed: id and the changed fields (location, narrative, caller_number).",
    "call-ended": "The call was disconnected: id, ended_at.",
    "call-linked": "A call was linked to an incident: id, incident_id.",
    "triage-suggested": "Triage suggested for a call: id (call), text_chars, result (urgency, type, flags, ...), model_version.",
    "caller-history-viewed": "Someone read a caller's history (privacy audit): call_id, prior_calls, repeat_caller, care_plan (present or not); the actor says who.",
    "care-plan-noted": "The outreach team set the care-plan note for a caller: caller_number, note.",
    "protocol-answered": "The call-taker confirmed protocol answers on a call: id (call), complaint, answers {question: answer}.",
    "prearrival-step-given": "A pre-arrival instruction step was given to the caller: id (call), set, step (from 1), say (the words).",
    "triage-decided": "The call-taker accepted or overrode a triage suggestion: id (call), accepted, final {field: value}, suggested_event_id.",
    # incidents
    "incident-created": "An incident was opened: id, uid, incident_type, priority, eido_priority, location, flags, calls.",
    "incident-updated": "Incident fields changed: id, changes {field: new value}, previous {field: old value}.",
    "incident-status-changed": "The incident status moved: id, from, to.",
    "note-added": "A note on an incident: incident_id, note_id, text.",
    "incident-closed": "Incident closed: id, disposition, outcome.",
    "incident-cancelled": "Incident cancelled before completion: id, reason.",
    "incident-reopened": "A closed or cancelled incident was reopened: id, reason.",
    "care-outcomes-recorded": "What really happened on an incident, beside its disposition: incident_id, outcomes (all so far, ids of the care configuration), added (new this time), note.",
    "follow-up-created": "A task for the outreach team: id, kind, incident_id, caller_number, referral, assignee, due_at, note.",
    "follow-up-updated": "A follow-up changed: id, status (open/done/cancelled), note, assignee.",
    "callback-attempted": "A callback to a silent or abandoned call: call_id, result, cues, note, proposal (what to do next).",
    "public-summary-approved": "A public-information officer approved the public summary of an incident: incident_id, text (redacted on the server), removed {kind: count}.",
    "public-summary-withdrawn": "The public summary of an incident was withdrawn: incident_id.",
    # units
    "unit-dispatched": "A unit was assigned to an incident: unit_id, incident_id, assignment_id.",
    "unit-status-changed": "A unit's status moved: unit_id, from, to, incident_id; lat, lon, position_at (its last known position); device_at (when tapped on the unit's screen, if sent later).",
    "unit-acknowledged": "The unit's crew acknowledged its assignment on the unit's screen: unit_id, incident_id, device_at.",
    "unit-cleared": "A unit left its incident and is available: unit_id, incident_id, assignment_id, to; lat, lon, position_at, device_at as for a status change.",
    "unit-position-updated": "An AVL fix: unit_id, lat, lon, at. No longer written: fixes are kept out of the log (the unit_positions table); older logs still hold them.",
}
