"""Django as the page benchmarks run it: production settings (DEBUG off, the static files'
manifest, collected on a fresh checkout) against the bench database (DATABASE_URL, or
`hikikomori_bench`). Imported first by bench/report.py, bench/lists.py and bench/download.py."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hikikomori.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hikikomori_bench")
os.environ.update(
    DJANGO_DEBUG="0",
    DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
    ALLOWED_HOSTS="testserver",
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
    call_command("collectstatic", "--noinput", verbosity=0)
