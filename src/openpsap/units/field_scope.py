"""What a field unit may see of the event log: its own unit, and the incidents it is assigned to while it is.
PURE: events in, yes or no out. The stream and the unit screen's reads use it; care data never passes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# events of an assigned incident a unit is shown (not triage, caller history, follow-ups or public summaries)
INCIDENT_KINDS = frozenset({
    "incident-updated", "incident-status-changed", "note-added", "incident-closed", "incident-cancelled",
    "incident-reopened", "unit-dispatched", "unit-status-changed", "unit-cleared", "call-linked",
    "care-outcomes-recorded",
})


@dataclass
class FieldScope:
    unit_id: str
    incidents: set[str] = field(default_factory=set)
    live_from: int = 0  # events up to this seq are history: only the incidents the unit is on now open to it

    def admit(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The events of a batch the unit sees. A dispatch is looked for first: one command dispatching E01 and M10
        writes E01's event before M10's, and M10 sees both; a unit cleared and sent back to the same incident within
        the batch stays on it."""
        last_dispatch: dict[str, int] = {}
        for i, event in enumerate(batch):  # a replayed old dispatch (seq up to live_from) opens nothing
            if event["kind"] == "unit-dispatched" and event["subject_id"] == self.unit_id \
                    and event.get("seq", self.live_from + 1) > self.live_from:
                incident = str(event.get("incident_id") or "")
                self.incidents.add(incident)
                last_dispatch[incident] = i
        return [e for i, e in enumerate(batch) if self._admits(e, sent_back=last_dispatch.get(str(e.get("incident_id") or ""), -1) > i)]

    def _admits(self, event: dict[str, Any], *, sent_back: bool = False) -> bool:
        """Whether the unit sees this event (after admit() opened the batch's dispatches); follows its clears."""
        own = event["subject_type"] == "unit" and event["subject_id"] == self.unit_id
        incident = str(event.get("incident_id") or "")
        if own and event["kind"] == "unit-cleared":
            if not sent_back:
                self.incidents.discard(incident)
            return True
        if own:
            return event["kind"] != "triage-suggested"
        return incident in self.incidents and event["kind"] in INCIDENT_KINDS
