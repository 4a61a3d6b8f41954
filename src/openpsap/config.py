"""Settings, built once from the environment (prefix OPENPSAP_) and passed in; never read at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path.home() / ".local" / "share" / "openpsap"


class NeighbourCentre(BaseModel):
    """A neighbouring centre this one conveys EIDOs to and subscribes to (NENA-STA-024): the base URL of its
    IncidentData service and the bearer token its administrator issued to this centre."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^(https?|wss?)://[^\s]+$", max_length=500)
    token: SecretStr = Field(min_length=1, max_length=500)


class Settings(BaseSettings):
    """Every setting is documented in docs/settings.md (a test checks it)."""

    model_config = SettingsConfigDict(env_prefix="OPENPSAP_", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL. Empty: SQLite file openpsap.db in data_dir. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Folder for the SQLite file and local state.")
    max_body_bytes: int = Field(default=256 * 1024, description="Largest request body accepted, in bytes.")
    token_ttl_hours: float = Field(default=12.5, description="Lifetime of an API token: one shift plus handover.")
    sqlite_synchronous: str = Field(
        default="FULL", description="SQLite synchronous pragma; FULL makes an acknowledged event durable."
    )
    priority_scale: dict[str, int] = Field(
        default_factory=lambda: {"P1": 10, "P2": 8, "P3": 6, "P4": 4, "P5": 2},
        description='Agency priorities, most urgent first, each mapped to EIDO 0-10; JSON, e.g. {"P1": 10, "P2": 7, "P3": 3}.',
    )
    eido_agency_id: str = Field(default="psap.openpsap.invalid", min_length=3, max_length=100, pattern=r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$",
                                description="This centre's NENA Agency Identifier (a domain name, e.g. psap.sfgov.org): the agency of every EIDO it sends, and the suffix of its incident, call and agent identifiers. See docs/interop.md.")
    road_speeds_kmh: dict[str, float] = Field(
        default_factory=dict,
        description='Response speeds per OSM road class overriding the defaults of routing/speeds.py; JSON, e.g. {"residential": 25, "primary": 40}.',
    )
    eta_model: str = Field(default="", description="Path of a travel-time model written by `openpsap eta calibrate` (speeds per road class, intersection delay, start-up time per unit type) used by the recommendation, the unit screen and the replay; road_speeds_kmh still overrides its speeds. Empty: the assumed speeds. See docs/calibration.md.")
    care_config: str = Field(default="", description="Path of the agency's care-pathway YAML (outcomes, follow-up kinds, referrals), used until an admin sets the care settings in the event log; empty: the shipped data/care.yaml.")
    repeat_caller_calls: int = Field(default=5, ge=2, le=1000,
                                     description="A number with this many calls within repeat_caller_days is a repeat caller (care-plan review).")
    repeat_caller_days: int = Field(default=30, ge=1, le=365, description="The window of the repeat-caller rule, in days.")
    duplicate_radius_m: float = Field(default=300, ge=10, le=20_000,
                                      description="Open incidents within this distance of a new call are listed as possible duplicates (types without a rule of their own).")
    duplicate_minutes: float = Field(default=60, ge=1, le=1440, description="... and opened within this many minutes.")
    duplicate_rules: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description='Per APCO type [metres, minutes] for possible duplicates, overriding incidents/nearby.py; JSON, e.g. {"FSTRU": [800, 120]}.',
    )
    public_types: list[str] = Field(default_factory=list, description='APCO types the public page may list; JSON, e.g. ["FSTRU", "MVA"]; empty: all but children, mental-health, domestic-violence and sexual-assault types, which never appear unless a public-information officer approves a summary.')
    public_street_delay_minutes: float = Field(default=60, ge=0, le=10_080, description="A public incident's street is shown only once it has been closed this long.")
    min_available_units: dict[str, int] = Field(default_factory=dict, description='The supervisor is alerted when fewer units of a type are available; JSON, e.g. {"MEDIC": 3, "ENGINE": 4}.')
    avl_history_hours: float = Field(default=24, gt=0, le=24 * 90, description="How long AVL fixes (unit positions) are kept; the latest of each unit stays on the unit.")
    unit_incident_grace_minutes: float = Field(default=60, ge=0, le=24 * 60, description="How long after it cleared an incident a field unit may still read it and add notes, care outcomes and a follow-up.")
    login_failures_per_user: str = Field(default="5/minute", description="Failed logins allowed per user name before the next is refused (429) until the window moves on; a `limits` rate, e.g. 5/minute.")
    login_failures_per_client: str = Field(default="30/minute", description="Failed logins allowed per client address, as above.")
    header_timeout_seconds: float = Field(default=10, gt=0, le=300, description="A client must send a request's headers within this time (slow clients are answered 408 and disconnected).")
    max_header_bytes: int = Field(default=32 * 1024, ge=4096, le=1024 * 1024, description="Larger request headers are refused with 431.")
    body_timeout_seconds: float = Field(default=30, gt=0, le=600, description="Each part of a request body must arrive within this time (else 408).")
    log_format: str = Field(default="text", pattern="^(text|json)$", description="json: one JSON line per request (request id, user, method, path, status, ms) and per log record, for a log collector; text: human-readable.")
    trusted_proxies: list[str] = Field(default_factory=list, description='Addresses of the reverse proxies whose X-Forwarded-For is believed (the client address for login throttling and logs); JSON, e.g. ["10.0.0.5"]; empty: none, the connection\'s own address counts.')
    allowed_origins: list[str] = Field(default_factory=list, description='Origins, besides the server\'s own, whose pages may open the live stream with a console cookie (behind a proxy that rewrites Host); JSON, e.g. ["https://cad.example.org"].')
    stream_poll_seconds: float = Field(
        default=0.5,
        description="How often a live stream looks for events written by other server processes.",
    )
    neighbours: dict[str, NeighbourCentre] = Field(default_factory=dict, description='Neighbouring centres for EIDO conveyance (transfer, subscribe): JSON {name: {url, token}}, the url being the neighbour\'s IncidentData base (for openpsap: https://host/api/v1/IncidentData) and the token one its administrator issued to this centre (a user with the neighbour_centre role there), e.g. {"marin": {"url": "https://cad.marin.example.org/api/v1/IncidentData", "token": "..."}}. See docs/interop.md.')
    speech_model: str = Field(default="base", min_length=1, description="Speech-to-text model: base (multilingual: flags non-English callers; the more accurate), tiny.en (English only, about twice as fast), or the path of a CTranslate2 Whisper folder. See docs/speech.md.")
    speech_prompt: str = Field(default="", max_length=1000, description="Words given to the speech model as context: empty for none, 911 for the built-in 911 vocabulary, or your own text (e.g. street names).")
    speech_max_seconds: float = Field(default=1800, gt=0, le=4 * 3600, description="Longest recording that is transcribed, in seconds; longer files are refused with a message.")
    speech_threads: int = Field(default=0, ge=0, le=64, description="CPU threads for speech to text; 0: one per core, at most 4.")
    speech_live_model: str = Field(default="tiny.en", min_length=1, description="Speech-to-text model for live calls (the audio socket): tiny.en puts the words on screen within about 1.5 s of speech on 2 cores; base is more accurate and flags non-English callers, but lags (measured in docs/speech.md). Same values as speech_model.")

    @field_validator("login_failures_per_user", "login_failures_per_client")
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate such as 5/minute or 100/hour") from None
        return value

    @field_validator("sqlite_synchronous")
    @classmethod
    def _known_sync(cls, value: str) -> str:
        value = value.upper()
        if value not in {"FULL", "EXTRA", "NORMAL"}:
            raise ValueError("OPENPSAP_SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL")
        return value

    @field_validator("priority_scale")
    @classmethod
    def _valid_scale(cls, value: dict[str, int]) -> dict[str, int]:
        from openpsap.incidents.priority import PriorityScale

        PriorityScale(value)  # raises ValueError with a message that says what is wrong
        return value

    @field_validator("road_speeds_kmh")
    @classmethod
    def _valid_speeds(cls, value: dict[str, float]) -> dict[str, float]:
        from openpsap.routing.speeds import RoadSpeeds

        RoadSpeeds.from_mapping(value)  # raises ValueError naming the bad class
        return value

    @field_validator("eta_model")
    @classmethod
    def _valid_eta_model(cls, value: str) -> str:
        from openpsap.routing.eta_model import load_eta_model

        if value:
            load_eta_model(value)  # raises EtaModelError (a ValueError) saying what is wrong with the file
        return value

    def use_eta_model(self) -> None:
        """Make this process route and time with the ETA model these settings name (or none)."""
        from openpsap.routing.eta_model import load_eta_model, use_eta_model

        use_eta_model(load_eta_model(self.eta_model) if self.eta_model else None)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'openpsap.db'}"
