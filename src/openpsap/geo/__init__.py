"""Offline geocoding from the road network's street names. PURE: no web, no database."""
