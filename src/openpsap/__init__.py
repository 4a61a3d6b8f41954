"""openpsap: open-source 911 call handling, triage and computer-aided dispatch."""

__version__ = "0.1.0"
