"""Interoperability with other centres: NENA EIDO (NENA-STA-021.1b) export and import.

vocabulary.py   openpsap's values -> EIDO registry values (PURE)
ids.py          this centre's identity and the stable $id of every data component (PURE)
pidf.py         PIDF-LO location by value: built, and read with a hardened XML parser (PURE)
export.py       an incident as one EIDO, read from the state tables and the event log
document.py     the shape an incoming EIDO must have (pydantic, read at the edge)
importing.py    an incoming EIDO becomes calls, an incident, notes (through the calls and incidents services)
roads.py        units' ETA by road and civic addresses placed on the shipped map
conformance.py  an EIDO checked against NENA's own schema and registries (a folder the centre holds)
events.py       eido-imported
views.py, cli.py  the HTTP routes and `openpsap eido`
"""
