"""openpsap's words mapped onto the EIDO registries (NENA-STA-021.1b chapter 3 and the registries it names). PURE.

Incident types, incident statuses, dispositions and unit statuses already are EIDO registry values in openpsap
(standards/registries.py); this module maps the rest: unit types and capabilities, call states, agent roles,
agency types. A value openpsap has outside a registry travels in the matching *InternalText field instead.
"""

from __future__ import annotations

# Emergency Resource Type-Common registry (Table 3.11), by openpsap unit type
RESOURCE_TYPES: dict[str, str] = {
    "ENGINE": "StructureFireEngineType1",
    "TRUCK": "FireTruckLadder",
    "MEDIC": "GroundALSAmbulance",
    "AMBULANCE": "GroundALSAmbulance",
    "PRIVATE": "GroundBLSAmbulance",
    "BLS": "GroundBLSAmbulance",
    "RESCUE": "HeavyRescue",
    "RESCUE SQUAD": "HeavyRescue",
    "RESCUE CAPTAIN": "CommandLevel3",
    "CHIEF": "CommandLevel3",
    "SUPPORT": "MobileSupportVehicle",
    "INVESTIGATION": "Investigator",
    "AIRPORT": "StructureFireEngineType1",
    "PATROL": "PatrolUnit",
    "TRAFFIC": "TrafficUnit",
    "K9": "CanineSearchandRescue",
}
# a unit type not listed above: the closest registry value for its agency's discipline (its own type goes in
# emergencyResourceTypeInternalText, as it always does)
RESOURCE_TYPE_BY_DISCIPLINE: dict[str, str] = {
    "fire": "MobileSupportVehicle",
    "ems": "GroundBLSAmbulance",
    "police": "PatrolUnit",
}
# a private ambulance with paramedics is an ALS ambulance
ALS_TYPES = {"GroundBLSAmbulance": "GroundALSAmbulance"}

# Resource Attribute registry (Table 3.12), by openpsap capability (lower case); others are not sent
RESOURCE_ATTRIBUTES: dict[str, str] = {
    "als": "Paramedic",
    "bls": "EMT",
    "fire": "Firefighter",
    "airport": "AirportFirefighter",
    "hazmat": "HazMatOfficer",
    "swat": "SWAT",
    "dive": "DiveTeam",
    "extrication": "ExtricationEquipmentBasic",
    "thermal": "ThermalCamera",
}

# IANA urn:emergency:service:responder registry (agencyType), by agency discipline; the PSAP itself is "psap",
# as in NENA's sample EIDO
AGENCY_TYPES: dict[str, str] = {"fire": "fire", "ems": "ems", "police": "police"}
PSAP_AGENCY_TYPE = "psap"

# Agency Role registry (Table 3.1)
ROLE_CALL_RECEIVING = "CallReceiving"
ROLE_DISPATCHING = "Dispatching"
ROLE_DISPATCHED = "Dispatched"

# Agent Roles registry (NENA-STA-010): the two roles NENA-STA-021.1b itself names ("Dispatching, Call Taking")
AGENT_CALL_TAKING = "Call Taking"
AGENT_DISPATCHING = "Dispatching"
AGENT_ROLES = frozenset({AGENT_CALL_TAKING, AGENT_DISPATCHING})

# IANA Call States registry, by openpsap call status
CALL_STATES: dict[str, str] = {"ringing": "callBegin", "answered": "callAnswered", "ended": "callEnd"}
CALL_STATUS_OF_STATE: dict[str, str] = {v: k for k, v in CALL_STATES.items()}

# LogEvent CallTypes registry, "Primary" classification: every call openpsap receives is an emergency call
# (its channel, e.g. voice or text, travels in localCallType)
PRIMARY_CALL_TYPE = "emergency"

# Location Type registry (Table 3.8)
LOCATION_INCIDENT = "CurrentIncident"
LOCATION_CALLER = "Caller"
LOCATION_UNIT = "UnitLocation"
INCIDENT_LOCATION_TYPES = ("CurrentIncident", "InitialIncident", "Investigation")

# Secondary Unit Status for a unit that has left the incident
SECONDARY_CLEARED = "Cleared"


def resource_type(unit_type: str, capabilities: list[str], discipline: str | None) -> str:
    """The Emergency Resource Type-Common of a unit."""
    found = RESOURCE_TYPES.get(unit_type.upper()) or RESOURCE_TYPE_BY_DISCIPLINE.get(discipline or "", "MobileSupportVehicle")
    if "als" in {c.lower() for c in capabilities}:
        found = ALS_TYPES.get(found, found)
    return found


def resource_attributes(capabilities: list[str]) -> list[str]:
    """Resource Attribute registry values of a unit's capabilities (those with a registry match), sorted."""
    return sorted({RESOURCE_ATTRIBUTES[c.lower()] for c in capabilities if c.lower() in RESOURCE_ATTRIBUTES})
