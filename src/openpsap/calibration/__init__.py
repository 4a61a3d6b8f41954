"""Travel-time calibration on a centre's own history (`openpsap eta calibrate`): see docs/calibration.md."""
