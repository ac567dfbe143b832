"""Serve the consoles and API together with the Huey worker, as `make run` does.

The worker runs as a child process so one Ctrl-C stops both. With DEBUG on, Django's development server
serves; with DEBUG off, gunicorn does (static files through WhiteNoise after `collectstatic`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web consoles and API on http://HOST:PORT with the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers when DEBUG is off")

    def handle(self, *args, host: str, port: int, workers: int, **options):
        worker = subprocess.Popen([sys.executable, "-m", "parcelhub", "run_huey", "--quiet"])
        self.stdout.write(f"ParcelHub on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)")
        try:
            if settings.DEBUG:
                call_command("runserver", f"{host}:{port}", use_reloader=False)
            else:
                call_command("collectstatic", interactive=False, verbosity=0)
                subprocess.run([sys.executable, "-m", "gunicorn", "parcelhub.wsgi", "--bind", f"{host}:{port}",
                                "--workers", str(workers)], check=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
