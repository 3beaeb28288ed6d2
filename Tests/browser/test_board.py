#!/usr/bin/env python3
"""dosed-board in a real browser: Debian's Chromium, headless, driven by Playwright.

Starts the built debug `dosed` on a small simulated ward (an SBM-20 in room-1 whose dose rate
steps from 5 to 120 µSv/h a few simulated minutes in), `dosed-board`, and Chromium, then checks:
- the tiles are dosectl's locations with dosectl's state words;
- the alarm raised by the step shows on the open page within 2 s of dosed's `alarm` watch event;
- dosed killed with SIGKILL turns the page `lost` within 5 s, with no tile `clear` and no
  green anywhere on the page; restarted, the page is live again;
- dosed reloaded with SIGHUP: the page stays live and keeps updating.

Usage: test_board.py [--build .build/debug]
       test_board.py --screenshots docs/screenshots   (the demo ward, 1920×1080 and a tablet)
Plain Python with asserts; exits non-zero on a failure. Never downloads a browser.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
GREEN = "rgb(0, 158, 115)"  # the palette's "safe" colour (#009E73)

WARD = """
[[detector]]
id = "room-1-ceiling"
driver = "simulated"
tube = "SBM-20"
  [detector.simulated]
  seed = 11
  background_usv_h = 0.1
  [[detector.simulated.source]]
  dose_rate_usv_h = 5.0
  nuclide = "Lu-177"
  [[detector.simulated.source]]
  # The step: a second source appears {step_h} h (simulated) after start.
  dose_rate_usv_h = 120.0
  nuclide = "Lu-177"
  start_h = {step_h}

[[detector]]
id = "room-2-ceiling"
driver = "simulated"
tube = "SBM-20"
  [detector.simulated]
  seed = 12
  background_usv_h = 0.1

[[location]]
id = "room-1"
kind = "isolation_room"
detectors = ["room-1-ceiling"]
warn_usv_h = 20.0
alarm_usv_h = 60.0
state = "occupied"

[[location]]
id = "room-2"
kind = "isolation_room"
detectors = ["room-2-ceiling"]
warn_usv_h = 2.0
alarm_usv_h = 10.0
state = "clear"
clear_usv_h = 0.5
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ward:
    """dosed and dosed-board as child processes in a scratch directory."""

    def __init__(self, build, ward_text=None, ward_file=None, board_config=None, scale=60):
        self.build = build
        self.dir = tempfile.mkdtemp(prefix="dosed-board-browser-")
        self.socket = os.path.join(self.dir, "dosed.sock")
        self.ward = ward_file or os.path.join(self.dir, "ward.toml")
        if ward_text is not None:
            with open(self.ward, "w") as f:
                f.write(ward_text)
        self.board_config = board_config
        self.scale = scale
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.dosed = None
        self.board = None

    def start_dosed(self):
        log = open(os.path.join(self.dir, "dosed.log"), "ab")
        self.dosed = subprocess.Popen(
            [f"{self.build}/dosed", "--config", self.ward, "--socket", self.socket,
             "--state-dir", os.path.join(self.dir, "state"), "--time-scale", str(self.scale)],
            stdout=log, stderr=log)
        wait("dosed answers", lambda: self.dosectl("status", check=False) is not None, 30)

    def start_board(self):
        log = open(os.path.join(self.dir, "board.log"), "ab")
        args = [f"{self.build}/dosed-board", "--socket", self.socket,
                "--listen", f"127.0.0.1:{self.port}"]
        if self.board_config:
            args += ["--config", self.board_config]
        self.board = subprocess.Popen(args, stdout=log, stderr=log)

    def dosectl(self, *args, check=True):
        run = subprocess.run([f"{self.build}/dosectl", "--socket", self.socket, "--json", *args],
                             capture_output=True, text=True, timeout=15)
        if run.returncode != 0:
            if check:
                raise AssertionError(f"dosectl {args}: {run.stderr}")
            return None
        return json.loads(run.stdout)

    def stop(self, failed=False):
        for process in (self.board, self.dosed):
            if process and process.poll() is None:
                process.kill()
                process.wait()
        if failed:
            for name in ("dosed.log", "board.log"):
                path = os.path.join(self.dir, name)
                if os.path.exists(path):
                    with open(path, errors="replace") as f:
                        print(f"--- {name} (last lines)\n" + "".join(f.readlines()[-20:]),
                              file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)


def wait(what, condition, seconds):
    """Polls; `seconds` only bounds a hang."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting until {what}")


class AlarmWatch(threading.Thread):
    """Follows dosed's `watch` stream and notes when the first dose alarm of level `alarm`
    arrives (time.monotonic())."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.alarm_id = None
        self.at = None

    def run(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.path)
        s.sendall(b'{"id":"browser-test","cmd":"watch"}\n')
        buffer = b""
        while self.at is None:
            chunk = s.recv(65536)
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                event = json.loads(line)
                if (event.get("event") == "alarm" and event.get("kind") == "dose"
                        and event.get("alarm") == "alarm" and self.at is None):
                    self.at = time.monotonic()
                    self.alarm_id = event.get("alarm_id")
        s.close()


# The latency targets are checked only with --check-times (`make board-check`, run by
# CI beside `make bench-check`): in `make test` they are printed, so that the test command's
# result never depends on how loaded the machine is; every wait still has a hang bound.
CHECK_TIMES = False


def within(what, seconds, target):
    print(f"{what}: {seconds:.3f} s (target ≤ {target} s)")
    if CHECK_TIMES:
        assert seconds <= target, f"{what} took {seconds:.3f} s, target {target} s"


def tiles(page):
    return page.eval_on_selector_all(
        "[data-location]",
        "els => Object.fromEntries(els.map(e => [e.dataset.location, e.dataset.state]))")


def green_elements(page):
    """Elements drawn in the palette's green (background, text or border), described (tag,
    class, text), so that a failure says which."""
    return page.evaluate("""green => {
        const found = [];
        for (const e of document.querySelectorAll('*')) {
            const s = getComputedStyle(e);
            if ([s.backgroundColor, s.color, s.borderLeftColor, s.borderTopColor].includes(green))
                found.push(e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 60));
        }
        return found;
    }""", GREEN)


def browser_test(build):
    started = time.monotonic()
    # At 60× a simulated hour is a real minute: the step comes 0.3 h = 18 s after dosed starts,
    # once the page is open.
    ward = Ward(build, WARD.replace("{step_h}", "0.3"))
    failed = True
    try:
        ward.start_dosed()
        ward.start_board()
        watch = AlarmWatch(ward.socket)
        watch.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            wait("the board answers", lambda: page.goto(ward.base + "/").ok, 30)
            page.wait_for_selector('html[data-monitoring="live"]', timeout=20000)
            assert watch.at is None, "the step came before the page was open: raise step_h"
            # A page whose script never arrives (a proxy error, a board restarting between the
            # HTML and the script): JavaScript is on, so no <noscript> refresh either.
            stuck = browser.new_page(viewport={"width": 1280, "height": 900})
            stuck.route("**/static/board.js", lambda route: route.abort())
            stuck.goto(ward.base + "/")
            stuck_opened = time.monotonic()

            # The tiles are dosectl's locations with dosectl's state words.
            def same():
                want = {l["id"]: l["state"] for l in ward.dosectl("status")["locations"]}
                return tiles(page) == want
            wait("the tiles match dosectl status --json", same, 10)
            print(f"tiles match dosectl: {tiles(page)}")

            # The step: dosed raises the alarm; the open page shows it within 2 s.
            wait("dosed raises the dose alarm", lambda: watch.at is not None, 60)
            selector = f'li.alarm[data-alarm="{watch.alarm_id}"]'
            page.wait_for_function(
                "sel => document.querySelector(sel) !== null", arg=selector, polling=20,
                timeout=10000)
            shown = time.monotonic() - watch.at
            print(f"alarm {watch.alarm_id}: on the page {shown:.3f} s after dosed's watch event")
            within("alarm on the page after dosed's event", shown, 2.0)
            assert page.get_attribute('[data-location="room-1"]', "data-state") in (
                "occupied", "fault"), "room-1 keeps dosed's state word"

            # The page without its script says by itself that it is not updating, and greys.
            stuck.wait_for_selector(".stalled", state="visible", timeout=40000)
            print(f"page without its script: 'not updating' after "
                  f"{time.monotonic() - stuck_opened:.1f} s")
            assert stuck.eval_on_selector(".tiles", "e => getComputedStyle(e).filter") == \
                "grayscale(1)"
            # The page with its script, renewed by every update and heartbeat, does not.
            assert not page.is_visible(".stalled")
            assert page.eval_on_selector(".tiles", "e => getComputedStyle(e).filter") == "none"
            stuck.close()

            # dosed killed: lost within 5 s, nothing safe, no green.
            ward.dosed.send_signal(signal.SIGKILL)
            ward.dosed.wait()
            killed = time.monotonic()
            page.wait_for_selector('html[data-monitoring="lost"]', timeout=15000)
            lost = time.monotonic() - killed
            print(f"SIGKILL → page lost in {lost:.3f} s")
            within("SIGKILL of dosed to a lost page", lost, 5.0)
            page.wait_for_selector(".unmonitored", timeout=5000)
            assert "WARD UNMONITORED" in page.inner_text(".unmonitored")
            assert page.query_selector('[data-state="clear"]') is None
            assert page.query_selector('[data-state="ok"]') is None
            assert page.query_selector('[data-last-state="clear"]') is not None
            assert green_elements(page) == [], f"green on a lost page: {green_elements(page)}"
            # Without JavaScript (the refresh fallback) the page says so too.
            nojs = browser.new_context(java_script_enabled=False).new_page()
            nojs.goto(ward.base + "/room/room-2")
            assert nojs.get_attribute("html", "data-monitoring") == "lost"
            assert "WARD UNMONITORED" in nojs.inner_text("body")
            assert green_elements(nojs) == [], green_elements(nojs)

            # Restarted: live again, on the same open page.
            ward.start_dosed()
            page.wait_for_selector('html[data-monitoring="live"]', timeout=20000)
            print("dosed restarted → page live again")

            # Reloaded (SIGHUP): once dosed has recorded the reload, the page still updates.
            ward.dosed.send_signal(signal.SIGHUP)

            def reloaded():
                events = ward.dosectl("events")["events"]
                return any(e.get("kind") == "config_reload" for e in events)
            wait("dosed records the reload", reloaded, 20)
            after_reload = page.inner_text(".monitor")
            page.wait_for_function(
                "before => document.querySelector('.monitor') && "
                "document.querySelector('.monitor').innerText !== before", arg=after_reload,
                timeout=10000)
            assert page.get_attribute("html", "data-monitoring") == "live"
            wait("the tiles match dosectl after the reload", same, 10)
            print("SIGHUP → dosed reloaded, the page live and updating after it")

            # dosed hung (SIGSTOP): it answers nothing, and its snapshot stops advancing.
            ward.dosed.send_signal(signal.SIGSTOP)
            stopped = time.monotonic()
            page.wait_for_selector('html[data-monitoring="lost"]', timeout=20000)
            hung = time.monotonic() - stopped
            print(f"SIGSTOP → page lost in {hung:.3f} s")
            within("SIGSTOP of dosed to a lost page", hung, 8.0)
            assert green_elements(page) == [], f"green while dosed is hung: {green_elements(page)}"
            ward.dosed.send_signal(signal.SIGCONT)
            page.wait_for_selector('html[data-monitoring="live"]', timeout=20000)

            # The board itself killed: the open page notices on its own, says so in words as
            # well as colour, and recovers when the board is back.
            ward.board.send_signal(signal.SIGKILL)
            ward.board.wait()
            gone = time.monotonic()
            page.wait_for_selector('html[data-board="lost"]', timeout=15000)
            print(f"board killed → page lost in {time.monotonic() - gone:.3f} s")
            assert page.get_attribute("html", "data-monitoring") == "lost"
            assert page.query_selector('[data-state="clear"]') is None
            words = page.eval_on_selector_all(".state", "els => els.map(e => e.textContent)")
            assert words and all(w.startswith("? Unknown") for w in words), words
            assert green_elements(page) == [], f"green after the board was lost: {green_elements(page)}"
            ward.start_board()
            page.wait_for_selector('html[data-monitoring="live"]:not([data-board])', timeout=30000)
            print("board restarted → page live again")
            browser.close()
        failed = False
    finally:
        ward.stop(failed)
    print(f"browser test: {time.monotonic() - started:.1f} s")


def screenshots(build, out):
    """The demo ward (config/demo-ward.toml and config/demo-board.toml) in a wide and a tablet
    view, after half a minute of simulated ward (half an hour at 60×) for the trends."""
    os.makedirs(out, exist_ok=True)
    ward_file = tempfile.mktemp(suffix=".toml")
    with open(os.path.join(ROOT, "config/demo-ward.toml")) as f:
        text = f.read()
    ward = Ward(build, ward_file=ward_file,
                board_config=os.path.join(ROOT, "config/demo-board.toml"))
    text = text.replace("/tmp/dosed-demo/dosed.sock", ward.socket).replace(
        "/tmp/dosed-demo/state", os.path.join(ward.dir, "state"))
    with open(ward_file, "w") as f:
        f.write(text)
    try:
        ward.start_dosed()
        # The demo's patient in room-1, as `make demo` admits it.
        subprocess.run(
            [os.path.join(ROOT, "scripts/demo-patient"), os.path.join(build, "dosectl"),
             ward.socket], check=True, timeout=120)
        ward.start_board()
        time.sleep(35)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for name, size in [("1920x1080", (1920, 1080)), ("tablet-800x1280", (800, 1280))]:
                page = browser.new_page(viewport={"width": size[0], "height": size[1]})
                for path, label in [("/", "ward"), ("/room/room-1", "door-room-1")]:
                    page.goto(ward.base + path)
                    page.wait_for_selector('html[data-monitoring="live"]')
                    time.sleep(1.5)
                    page.screenshot(path=os.path.join(out, f"{label}-{name}.png"))
            # A room's chart over the last hour (half an hour of the demo's simulated ward).
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(ward.base + "/history/room-1?hours=1")
            page.wait_for_selector('html[data-monitoring="live"]')
            time.sleep(1.5)
            page.screenshot(path=os.path.join(out, "history-room-1-1920x1080.png"))
            # What the nurses' station shows when dosed stops: the ward unmonitored.
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(ward.base + "/")
            page.wait_for_selector('html[data-monitoring="live"]')
            ward.dosed.kill()
            ward.dosed.wait()
            page.wait_for_selector('html[data-monitoring="lost"]', timeout=15000)
            time.sleep(1)
            page.screenshot(path=os.path.join(out, "ward-lost-1920x1080.png"))
            browser.close()
    finally:
        ward.stop()
        os.unlink(ward_file)
    print(f"screenshots in {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, ".build/debug"))
    parser.add_argument("--screenshots")
    parser.add_argument("--check-times", action="store_true",
                        help="fail when a latency target of issue 18 is missed")
    options = parser.parse_args()
    CHECK_TIMES = options.check_times
    try:
        if options.screenshots:
            screenshots(options.build, options.screenshots)
        else:
            browser_test(options.build)
    except AssertionError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        print("0 passed, 1 failed")
        sys.exit(1)
    if not options.screenshots:
        print("1 passed, 0 failed")
