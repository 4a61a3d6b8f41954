"""Jurisdictions set up from OpenStreetMap: import (osm.py, network.py, importer.py), storage (models.py,
service.py), putting one to work in a process (loading.py), its HTTP routes (views.py), its CLI (cli.py) and the
Helsinki demo (helsinki.py, demo.py)."""
