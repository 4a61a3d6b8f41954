"""Road-network travel times. PURE: imports neither FastAPI nor SQLAlchemy."""
