"""The WSGI application gunicorn serves (``gunicorn callboard.wsgi``).

In production it runs Callboard's system checks first and refuses to serve with unsafe
settings, each named with its fix (``core/checks.py``): a wrong setting stops the start,
never a request.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callboard.settings")
application = get_wsgi_application()

from callboard.core.checks import production, refuse_unsafe_start  # noqa: E402  (after setup)

if production():
    refuse_unsafe_start("web")
