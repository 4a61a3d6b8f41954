"""The supervisor's view of the shift: live figures and alerts, computed from the state tables."""
