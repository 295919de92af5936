"""Django settings, all driven by the environment (see docs/operators/configuration.md)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from lionrock.config.environment import (
    data_dir,
    email_config,
    env_flag,
    env_int,
    env_list,
    env_text,
    secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()
DEMO = env_flag("LIONROCK_DEMO", default=False)

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_flag("LIONROCK_DEBUG", default=False)
ALLOWED_HOSTS = env_list("LIONROCK_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("LIONROCK_CSRF_TRUSTED_ORIGINS", default=[])

LIONROCK_REQUIRE_MFA = env_flag("LIONROCK_REQUIRE_MFA", default=not DEMO)
BEHIND_TLS_PROXY = env_flag("LIONROCK_BEHIND_TLS_PROXY", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "huey.contrib.djhuey",
    "lionrock.core.accounts",
    "lionrock.core.audit",
    "lionrock.core.shell",
    "lionrock.core.workflow",
    "lionrock.core.notifications",
    "lionrock.core.crypto",
    "lionrock.core.files",
    "lionrock.core.documents",
    "lionrock.core.jobs",
    "lionrock.cyber.intel",
    "lionrock.cyber.exchange",
    "lionrock.cyber.monitoring",
    "lionrock.cyber.taxii",
    "lionrock.cyber.incidents",
    "lionrock.cyber.events",
    "lionrock.cyber.drills",
    "lionrock.immigration.enforcement",
    "lionrock.immigration.screening",
    "lionrock.publishing",
    "ninja",
]

MIDDLEWARE = [
    "lionrock.core.shell.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lionrock.core.shell.middleware.ContentSecurityPolicyMiddleware",
    "lionrock.core.request_memo.RequestMemoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lionrock.core.accounts.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lionrock.core.accounts.middleware.SignInCompletionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lionrock.config.urls"
WSGI_APPLICATION = "lionrock.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lionrock.core.shell.context_processors.navigation",
                "lionrock.core.notifications.context_processors.inbox",
            ],
        },
    },
]


# Forms render through Jinja2 builds of Django's own form templates (the same markup): a form field
# took about a millisecond of CPU through the Django template language, a quarter of that through
# Jinja2, and less again with each widget's includes written out in place (core/shell/forms.py).
FORM_RENDERER = "lionrock.core.shell.forms.FormRenderer"


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Kept for the life of the serving thread and checked before each request: a fresh PostgreSQL
        # connection reads the catalogue and prepares the visibility rule's statements again.
        parsed = dj_database_url.parse(url, conn_max_age=None, conn_health_checks=True)
        config: dict[str, object] = dict(parsed)
        if config["ENGINE"] == "django.db.backends.postgresql":
            # PostgreSQL's JIT compiles any query its planner costs high; the visibility rule's many
            # subplans look costly, so a 5 ms page query spent 70 ms being compiled. Off for these
            # short queries; a DATABASE_URL `options` of its own comes after and wins.
            options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
            options["options"] = f"-c jit=off {options.get('options', '')}".strip()
            # Parameters bound by the server, and a statement with parameters prepared on the
            # LIONROCK_DB_PREPARE_THRESHOLD th run on its connection (default the first; 0 turns preparing
            # off, for a pooler in transaction mode without prepared-statement support). PostgreSQL spent
            # longer parsing and planning the visibility rule's SQL than running it, and each serving
            # thread has a connection of its own: see config/postgresql.py and decision 0017. One plan
            # per prepared statement, made on its first run rather than after five runs each planned
            # for its values; a DATABASE_URL `options` of plan_cache_mode=auto restores those.
            prepare_on_run = env_int("LIONROCK_DB_PREPARE_THRESHOLD", default=1)
            options["server_side_binding"] = True
            if prepare_on_run > 0:
                from lionrock.config.postgresql import PreparingCursor

                options["cursor_factory"] = PreparingCursor
                options["prepare_threshold"] = prepare_on_run - 1
                options["options"] = f"-c plan_cache_mode=force_generic_plan {options['options']}"
            else:
                options["prepare_threshold"] = None
            config["OPTIONS"] = options
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "lionrock.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock up front so
        # concurrent writers queue on busy_timeout instead of failing with "database is locked".
        # A 64 MB page cache (allocated as used) keeps a 1,000-object TAXII push from spilling its index
        # pages mid-way; the task worker, which stores the pushes, keeps 512 MB (`lionrock worker` sets
        # LIONROCK_SQLITE_CACHE_MB): a large store's randomly keyed index pages missed the smaller one
        # on almost every insert. The worker checkpoints every minute (core.shell.tasks.database_checkpoint),
        # so requests do it only past 400 MB of log, when no worker runs; the log is cut back to 64 MB after.
        cache_mb = env_int("LIONROCK_SQLITE_CACHE_MB", default=64)
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                f"PRAGMA cache_size=-{cache_mb * 1024}; "
                "PRAGMA wal_autocheckpoint=100000; "
                "PRAGMA journal_size_limit=67108864;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Kept for a minute by each serving thread: a fresh connection per request pays
        # for the PRAGMAs, the schema and the planner's statistics again (about a third of a light page).
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
        config["TEST"] = {"NAME": None}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lionrock.core.accounts.lockout.AccountThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "shell:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after a spell of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env_int("LIONROCK_SESSION_IDLE_MINUTES", default=30) * 60
# Written when changed, or at most once a minute to push the idle expiry on
# (lionrock.core.accounts.middleware.SessionIdleRefreshMiddleware), not on every page view.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "lionrock.core.shell.views.csrf_failure"

# Lock-out (the policy is in core/accounts/lockout.py): per account *and* address after a few failures,
# and per account from every address after many more within a longer window. Counts are in the database.
AXES_FAILURE_LIMIT = env_int("LIONROCK_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LIONROCK_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
LIONROCK_ACCOUNT_FAILURE_LIMIT = env_int("LIONROCK_ACCOUNT_FAILURE_LIMIT", default=20)
LIONROCK_ACCOUNT_FAILURE_WINDOW_MINUTES = env_int("LIONROCK_ACCOUNT_FAILURE_WINDOW_MINUTES", default=60)
# The sign-in view passes the address as authenticate(username=...); the client address is REMOTE_ADDR,
# which ClientAddressMiddleware sets from the proxy's X-Forwarded-For only when behind a trusted proxy.
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lionrock.core.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

OTP_TOTP_ISSUER = "Lionrock"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("LIONROCK_HSTS_SECONDS", default=31536000)
    SECURE_SSL_REDIRECT = env_flag("LIONROCK_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hant", _("Traditional Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lionrock.config.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Hong_Kong"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "files"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest intelligence file (STIX, MISP, CSV, list, zipped feed) one import accepts.
LIONROCK_IMPORT_MAX_BYTES = env_int("LIONROCK_IMPORT_MAX_MB", default=20) * 1024 * 1024
# The TAXII servers feeds may poll: names, *.domains, addresses, or * for any public host; https only,
# private addresses only for hosts named here (cyber/exchange/feed_urls.py).
LIONROCK_FEED_ALLOWED_HOSTS = env_list("LIONROCK_FEED_ALLOWED_HOSTS", default=["*"])

# Monitoring: where watched log directories may live (empty: watching is off), upload cap, alert threshold.
LIONROCK_WATCH_ROOTS = env_list("LIONROCK_WATCH_ROOTS", default=[])
LIONROCK_MONITORING_MAX_UPLOAD_MB = env_int("LIONROCK_MONITORING_MAX_UPLOAD_MB", default=512)
LIONROCK_ALERT_STAKEHOLDERS = env_int("LIONROCK_ALERT_STAKEHOLDERS", default=2)
# Seconds the matcher may spend on one log file of a match run before the worker stops it.
LIONROCK_MONITORING_RUN_TIMEOUT = env_int("LIONROCK_MONITORING_RUN_TIMEOUT", default=3600)
# TAXII: what one POSTed envelope may weigh, in bytes (advertised as the API root's max_content_length).
LIONROCK_TAXII_MAX_CONTENT_LENGTH = env_int("LIONROCK_TAXII_MAX_CONTENT_LENGTH", default=20 * 1024 * 1024)

# Enforcement: the key that seals identity-document numbers, reporters' details and screening records
# (empty: derived from SECRET_KEY) and the retired keys still read; the department receiving the public
# form, its rate limit, how long reporters' details are kept, and when an owed screening falls due.
LIONROCK_FIELD_KEY = os.environ.get("LIONROCK_FIELD_KEY", "")
LIONROCK_FIELD_KEYS_PREVIOUS = env_list("LIONROCK_FIELD_KEYS_PREVIOUS", default=[])
# The key that seals intelligence feeds' passwords and tokens (empty: derived from SECRET_KEY), and the
# retired ones still read until `keys_rotate` has run (lionrock.core.crypto).
LIONROCK_FEED_KEY = os.environ.get("LIONROCK_FEED_KEY", "")
LIONROCK_FEED_KEYS_PREVIOUS = env_list("LIONROCK_FEED_KEYS_PREVIOUS", default=[])
LIONROCK_REPORTS_ORGANISATION = os.environ.get("LIONROCK_REPORTS_ORGANISATION", "immigration")
# The department named on the public pages (report form, status, employer check), in English and Chinese.
LIONROCK_PUBLIC_DEPARTMENT_NAME = env_text(
    "LIONROCK_PUBLIC_DEPARTMENT_NAME", default="Immigration Department"
)
LIONROCK_PUBLIC_DEPARTMENT_NAME_ZH = env_text("LIONROCK_PUBLIC_DEPARTMENT_NAME_ZH", default="入境事務處")
LIONROCK_REPORTS_PER_ADDRESS_PER_HOUR = env_int("LIONROCK_REPORTS_PER_ADDRESS_PER_HOUR", default=5)
LIONROCK_REPORT_RETENTION_DAYS = env_int("LIONROCK_REPORT_RETENTION_DAYS", default=730)
# Days an employer's saved inspection record is kept before the nightly sweep deletes it.
LIONROCK_EMPLOYER_RECORD_RETENTION_DAYS = env_int("LIONROCK_EMPLOYER_RECORD_RETENTION_DAYS", default=730)
# Days after a person's last case ended (or their last arrest, when no case went further) before the nightly
# sweep deletes the person with their identity documents and arrests; an open case keeps them.
LIONROCK_PERSON_RETENTION_DAYS = env_int("LIONROCK_PERSON_RETENTION_DAYS", default=2555)
LIONROCK_SCREENING_DUE_HOURS = env_int("LIONROCK_SCREENING_DUE_HOURS", default=24)
# Victim screening: hours from an initial screening with an indicator to its full debriefing, and from a
# referral to the provider's answer, before each is overdue and reminded.
LIONROCK_DEBRIEFING_DUE_HOURS = env_int("LIONROCK_DEBRIEFING_DUE_HOURS", default=72)
LIONROCK_REFERRAL_DUE_HOURS = env_int("LIONROCK_REFERRAL_DUE_HOURS", default=48)

# E-mail for notifications (docs/operators/configuration.md, "E-mail"): only a subject line and a link.
_EMAIL = email_config()
EMAIL_BACKEND = _EMAIL.backend
EMAIL_HOST = _EMAIL.host
EMAIL_PORT = _EMAIL.port
EMAIL_HOST_USER = _EMAIL.user
EMAIL_HOST_PASSWORD = _EMAIL.password
EMAIL_USE_TLS = _EMAIL.use_tls
EMAIL_USE_SSL = _EMAIL.use_ssl
EMAIL_TIMEOUT = _EMAIL.timeout
DEFAULT_FROM_EMAIL = SERVER_EMAIL = _EMAIL.sender
# Where people reach Lionrock: the start of every link in an e-mail.
LIONROCK_BASE_URL = _EMAIL.base_url

# Publishing: the reporting channels and the screening paragraph every enforcement press release gives
# (the department's published ones by default), and the smallest count public statistics show as a figure.
LIONROCK_PRESS_HOTLINE = os.environ.get("LIONROCK_PRESS_HOTLINE", "3861 5000")
LIONROCK_PRESS_FAX = os.environ.get("LIONROCK_PRESS_FAX", "2824 1166")
LIONROCK_PRESS_EMAIL = os.environ.get("LIONROCK_PRESS_EMAIL", "anti_crime@immd.gov.hk")
LIONROCK_PRESS_ONLINE_FORM_EN = os.environ.get(
    "LIONROCK_PRESS_ONLINE_FORM_EN", "Online Reporting of Immigration Offences"
)
LIONROCK_PRESS_ONLINE_FORM_ZH = os.environ.get("LIONROCK_PRESS_ONLINE_FORM_ZH", "網上舉報違反入境條例罪行")
LIONROCK_PRESS_SCREENING_EN = os.environ.get(
    "LIONROCK_PRESS_SCREENING_EN",
    "Every arrested person who may be vulnerable is screened for trafficking in persons and forced labour "
    "under the department's screening mechanism; any victim identified is referred to support services.",
)
LIONROCK_PRESS_SCREENING_ZH = os.environ.get(
    "LIONROCK_PRESS_SCREENING_ZH",
    "入境事務處會按既定審核機制，為每名可能屬易受傷害的被捕人士評估是否人口販運或強迫勞動的受害人；"  # noqa: RUF001
    "如識別為受害人，會轉介支援服務。",  # noqa: RUF001
)
# Organisations whose press officers issue releases for every agency (the government's information service).
LIONROCK_PRESS_SERVICE_ORGANISATIONS = env_list(
    "LIONROCK_PRESS_SERVICE_ORGANISATIONS", default=["information-services"]
)
LIONROCK_STATISTICS_MIN_COUNT = env_int("LIONROCK_STATISTICS_MIN_COUNT", default=3)

# Attachments in an S3-compatible object store instead of DATA_DIR/files (credentials: boto3's own chain).
LIONROCK_FILES_S3_BUCKET = env_text("LIONROCK_FILES_S3_BUCKET", default="")
LIONROCK_FILES_S3_ENDPOINT_URL = env_text("LIONROCK_FILES_S3_ENDPOINT_URL", default="")
LIONROCK_FILES_S3_REGION = env_text("LIONROCK_FILES_S3_REGION", default="")
LIONROCK_FILES_S3_PREFIX = env_text("LIONROCK_FILES_S3_PREFIX", default="")

REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY: dict[str, object] = {
    "name": "lionrock",
    "immediate": env_flag("LIONROCK_TASKS_IMMEDIATE", default=False),
    # Huey polls an SQLite queue, backing off while idle; its default ceiling of 10 s left a TAXII push
    # waiting seconds for its status, and half a second still a tenth of a 10,000-object push. At a
    # tenth of a second an idle worker spends about 0.5% of one core polling. Redis blocks instead.
    "consumer": {
        "workers": env_int("LIONROCK_WORKER_THREADS", default=2),
        "worker_type": "thread",
        "initial_delay": 0.05,
        "max_delay": 0.1,
    },
}
# One cache for every process (web and worker, on every machine): counters such as the employer-record
# look-up limit must not be counted per process. Redis in production; else a table in the database.
CACHE_TABLE = "lionrock_cache"
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
}
# Huey's own classes, but each periodic job is queued once per period however many workers run.
if REDIS_URL:
    HUEY.update({"huey_class": "lionrock.core.jobs.queue.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update(
        {"huey_class": "lionrock.core.jobs.queue.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")}
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIONROCK_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "huey": {"level": "INFO"},
        # WeasyPrint logs every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}
