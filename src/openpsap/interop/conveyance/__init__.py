"""EIDO conveyance between centres (NENA-STA-024): subscribe/notify over a WebSocket, the incident-data and
dereference paths, and this centre's own subscriptions to its neighbours.

protocol.py   the WebSocket messages, read and answered (PURE)
scope.py      which of this centre's incidents an EIDO $id names, and what changed since a point of the log
notifier.py   the WebSocket endpoint: subscriptions, notifications within their rates, expiry, slow subscribers
neighbours.py this centre as a subscriber: connections to the configured neighbours, transfer, imports
views.py      the REST routes (incident data, dereference, versions; transfer, subscribe, what a neighbour sent)
events.py     incident-transferred, eido-subscription-*, neighbour-*, eido-received
cli.py        `openpsap neighbours token`: the token a neighbouring centre connects with
"""
