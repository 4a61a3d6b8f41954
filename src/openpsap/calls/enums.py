"""How a call reached the PSAP and where its location came from."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    voice = "voice"
    text = "text"  # text-to-911 (SMS / RTT)
    tty = "tty"
    video = "video"
    telematics = "telematics"  # vehicle crash notification
    alarm = "alarm"  # alarm company / automatic
    admin = "admin"  # ten-digit administrative line


class LocationSource(StrEnum):
    device = "device"  # handset GPS / AML / device-based hybrid
    network = "network"  # carrier cell-sector (Phase II / Phase I)
    civic = "civic"  # ALI civic address (landline / VoIP)
    caller = "caller"  # told by the caller
    manual = "manual"  # entered by the call-taker from a map


class CallStatus(StrEnum):
    ringing = "ringing"
    answered = "answered"
    ended = "ended"
