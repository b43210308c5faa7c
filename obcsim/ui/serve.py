"""`obcsim app`: Streamlit serving the app (`launch.py`: the app warmed at start), as a child
that stops when obcsim is stopped.

SIGINT, SIGTERM and SIGHUP sent to obcsim are passed on to the Streamlit process (a second one
kills it), and obcsim waits for it to end, so no server is left running behind it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def command(port: int, headless: bool) -> list[str]:
    app = Path(__file__).with_name("launch.py")
    out = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port)]
    out += ["--browser.gatherUsageStats", "false"]
    out += ["--server.maxUploadSize", "1"]  # MB: uploads are refused past 1,000,000 bytes anyway
    out += ["--client.toolbarMode", "viewer"]  # no "Deploy" button for the board
    if headless:
        out += ["--server.headless", "true"]
    return out


def serve(port: int, headless: bool) -> int:
    """Run Streamlit until it ends or obcsim is stopped; the exit status is 0 on a stop."""
    print(f"obcsim app: http://localhost:{port} (Ctrl+C to stop)", file=sys.stderr)
    child = subprocess.Popen(command(port, headless))
    stopped: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        stopped.append(signum)
        if child.poll() is None:  # asked a second time: stop it outright
            child.send_signal(signum) if len(stopped) == 1 else child.kill()

    old = {s: signal.signal(s, forward) for s in FORWARDED}
    try:
        code = child.wait()
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    return 0 if stopped else code
