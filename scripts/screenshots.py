"""Screenshots of the real console for the README: docs/screenshots/*.png.

Starts the server on a fresh San Francisco demo database (with the demo's care story), takes two children's
calls as a call-taker (the lonely child calling again: his history and care plan), works the urgent one as a
dispatcher, shows the outreach queue, and photographs each step in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from console_harness import demo_database, launch, log_in, server, token  # noqa: E402

from openpsap.care.demo import STORY_NUMBER  # noqa: E402

VIEWPORT = {"width": 1440, "height": 900}


def take_call(page, address: str, words: str, number: str = "415-555-0101") -> str:  # noqa: ANN001
    page.keyboard.press("Alt+n")
    page.fill("#ct-number", number)
    page.fill("#ct-address", address)
    page.wait_for_selector("#ct-geo:has-text('FOUND')")
    page.click("#ct-narrative")
    page.keyboard.type(words, delay=10)
    page.wait_for_selector("#ct-urgency")
    page.wait_for_timeout(600)
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url, passwords = demo_database(Path(tmp))
        with server(url) as base, sync_playwright() as p:
            browser = launch(p)
            taker = browser.new_context(viewport=VIEWPORT, bypass_csp=True).new_page()
            log_in(taker, base, "calltaker", passwords["calltaker"])
            # the phone system delivers a second call (number and handset point) while the first is taken
            httpx.post(f"{base}/api/v1/calls", json={"channel": "voice", "caller_number": "415-555-0188",
                       "location": {"lat": 37.76492, "lon": -122.42191, "uncertainty_m": 25, "source": "device"}},
                       headers={"Authorization": f"Bearer {token(base, 'calltaker', passwords['calltaker'])}"}).raise_for_status()
            taker.wait_for_selector(".ringing")
            # the lonely child calls again (the demo's care story): his history and care plan, the child-caller protocol
            take_call(taker, "5th and Market", "hi um I'm six and I'm all by myself and I want a friend", number=STORY_NUMBER)
            taker.wait_for_selector("#ct-care-plan")
            taker.wait_for_selector("#ct-child:not([hidden])")
            taker.screenshot(path=args.out / "call-taking-lonely-child.png")
            taker.keyboard.press("Control+Enter")
            taker.wait_for_selector("#ct-result:has-text('created')")
            lonely = re.search(r"Incident (\d{2}-\d{6})", taker.inner_text("#ct-result")).group(1)
            taker.keyboard.press("Alt+r")  # answer the ringing call: its number and point fill in
            taker.wait_for_selector("#ct-geo:has-text('POINT')")
            taker.keyboard.type("my mommy won't wake up", delay=10)
            taker.wait_for_selector("#ct-urgency:has-text('HIGH')")
            taker.wait_for_timeout(600)
            taker.screenshot(path=args.out / "call-taking-high.png")
            taker.keyboard.press("Control+Enter")
            taker.wait_for_selector("#ct-result:has-text('created')")
            urgent = taker.inner_text("#ct-result").split()[1]
            # the protocol interview: a fall, asked by keyboard (Alt+P, then Y / N / U)
            take_call(taker, "Valencia and 16th", "my dad fell in the kitchen, he says his hip hurts", number="415-555-0177")
            taker.keyboard.press("Alt+p")
            for key in ("y", "n"):
                taker.keyboard.press(key)
            taker.wait_for_timeout(800)
            taker.locator("#ct-protocol").scroll_into_view_if_needed()
            taker.screenshot(path=args.out / "call-taking-protocol.png")
            taker.keyboard.press("Control+Enter")
            taker.wait_for_selector("#ct-result:has-text('created')")

            disp = browser.new_context(viewport=VIEWPORT, bypass_csp=True).new_page()
            log_in(disp, base, "dispatcher", passwords["dispatcher"])
            disp.click(f".queue-item[data-id='{urgent}']")
            disp.wait_for_selector("#dispatch-recommended")
            disp.wait_for_timeout(1500)  # the basemap tiles
            disp.screenshot(path=args.out / "dispatcher-recommendation.png")
            disp.keyboard.press("F2")
            disp.keyboard.type(f"D {urgent}")
            disp.keyboard.press("Enter")
            disp.wait_for_selector("#cmd-result:has-text('dispatched')")
            first = disp.inner_text("#cmd-result").split(",")[0].split()[0]
            disp.keyboard.type(f"ER {first}")
            disp.keyboard.press("Enter")
            disp.wait_for_selector(f"#unit-board .unit[data-id='{first}']:has-text('En route')")
            disp.wait_for_timeout(800)
            disp.screenshot(path=args.out / "dispatcher-en-route.png")
            disp.evaluate("window.openpsap.stream.drop(4000)")
            disp.wait_for_selector("#offline-banner:not([hidden])")
            disp.screenshot(path=args.out / "offline.png", clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": 300})

            outreach = browser.new_context(viewport=VIEWPORT, bypass_csp=True).new_page()
            log_in(outreach, base, "outreach", passwords["outreach"], live=False)
            outreach.wait_for_selector(".fu-item[data-kind='school_visit']")
            outreach.screenshot(path=args.out / "outreach-queue.png")

            # the field unit's screen: medic 55 on a phone, woken for the lonely child, then en route
            phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                        has_touch=True, geolocation={"latitude": 37.7644, "longitude": -122.4175},
                                        permissions=["geolocation"]).new_page()
            phone.goto(f"{base}/unit")
            phone.fill("#login-username", "medic55")
            phone.fill("#login-password", passwords["medic55"])
            phone.click("button[type=submit]")
            phone.wait_for_selector("#conn.live")
            httpx.post(f"{base}/api/v1/incidents/{lonely}/dispatch", json={"units": ["55"]},
                       headers={"Authorization": f"Bearer {token(base, 'dispatcher', passwords['dispatcher'])}"}).raise_for_status()
            phone.wait_for_selector("#wake:not([hidden])")
            phone.screenshot(path=args.out / "unit-woken.png")
            phone.click("#wake-ack")
            phone.click("button[data-status=EnRoute]")
            phone.wait_for_selector("#directions li")
            phone.wait_for_timeout(1500)
            phone.screenshot(path=args.out / "unit-assignment.png")
            phone.locator("#nav").scroll_into_view_if_needed()
            phone.wait_for_timeout(800)
            phone.screenshot(path=args.out / "unit-route.png")

            admin = browser.new_context(viewport=VIEWPORT, bypass_csp=True).new_page()
            log_in(admin, base, "admin", passwords["admin"], live=False)
            admin.wait_for_selector("#adm-units tr")
            admin.locator("#adm-units .adm-out-of-service").nth(3).click()
            admin.fill("#adm-unit-filter", "FS06")
            admin.wait_for_timeout(400)
            admin.screenshot(path=args.out / "admin-roster.png", full_page=True)
            browser.close()
    for png in sorted(args.out.glob("*.png")):
        if shutil.which("pngquant"):  # 256 colours: a third of the size, same picture (apt-get install pngquant)
            subprocess.run(["pngquant", "--force", "--skip-if-larger", "--ext", ".png", "--quality", "70-95", str(png)], check=False)
        print(f"{png} {png.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
