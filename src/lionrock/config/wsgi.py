import os

from django.core.wsgi import get_wsgi_application

from lionrock.core.shell.server_timing import ServerTiming

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lionrock.config.settings")
application = ServerTiming(get_wsgi_application())
